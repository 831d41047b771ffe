"""Developers' Claude Code reports in the advice: with others failing too it is ``wait``, not
"check your side", and every answer but one about the user's own error says how many."""

from __future__ import annotations

from dataclasses import replace

from bot.ask.advisor import advise
from bot.ask.playbook import LOCAL_CHECK_AFTER_MINUTES, AdviceKind
from bot.ask.status import status_answer, status_document
from bot.ask.symptoms import parse_symptom
from bot.detect.client_reports import ClientReports
from tests.unit.helpers import NOW, view_of

THREE = ClientReports(3, ("529",), ("claude-code",))
SENTENCE = "3 people's Claude Code hit 529 in the last 10 minutes."


def test_reports_from_others_keep_a_long_failure_at_wait() -> None:
    quiet = view_of("summary-operational.json")
    long = LOCAL_CHECK_AFTER_MINUTES + 5
    alone = advise(quiet, parse_symptom("529"), long, 0, NOW)
    with_others = advise(replace(quiet, client_reports=THREE), parse_symptom("529"), long, 0, NOW)
    assert alone.kind is AdviceKind.LOCAL_CHECK
    assert with_others.kind is AdviceKind.WAIT
    assert with_others.summary.endswith(SENTENCE)


def test_every_status_answer_says_it_but_not_advice_about_your_own_error() -> None:
    incident = replace(view_of("summary-minor-incident.json"), client_reports=THREE)
    quiet = replace(view_of("summary-operational.json"), client_reports=THREE)
    assert advise(incident, None, None, 0, NOW).summary.endswith(SENTENCE)
    assert advise(quiet, None, None, 0, NOW).summary.endswith(SENTENCE)
    assert SENTENCE not in advise(quiet, parse_symptom("429"), None, 0, NOW).summary


def test_no_reports_no_sentence_and_the_json_key_only_when_the_bot_takes_reports() -> None:
    off = view_of("summary-operational.json")
    on = replace(off, client_reports=ClientReports())
    for view in (off, on):
        assert "Claude Code hit" not in advise(view, parse_symptom("529"), 3, 0, NOW).summary
    document = status_document(status_answer(on, advise(on, None, None, 0, NOW), NOW), on)
    assert document["reports"] == {"last_10_minutes": 0, "from": [], "codes": []}
    assert "reports" not in status_document(
        status_answer(off, advise(off, None, None, 0, NOW), NOW), off
    )
