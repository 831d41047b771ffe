"""Slack rendering, pure: escaping, Block Kit limits, hostile and huge feed text.

Answers and notices are built by the core's own pure code (``bot.ask.status``,
``bot.notify.compose``) from the fixture documents, so what is rendered here is what the bot
really renders.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import render
from adapters.slack.render import limits, markup
from bot.ask import status as replies
from bot.ask.advisor import advise
from bot.ask.answers import ComponentBar, HelpAnswer, HistoryAnswer, PastIncident, TextAnswer
from bot.ask.grammar import HELP_WORDS
from bot.ask.history import history_answer
from bot.ask.symptoms import parse_symptom
from bot.detect.events import IncidentStarted
from bot.notify import compose as announce
from bot.notify.notices import ROOT_KINDS, Notice, NoticeKind, Severity
from bot.wording.labels import CLOSED_VERB, NOTICE_LABEL
from fakes.slack_api import message_texts
from tests.unit.helpers import NOW, summary, view_of

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@W456>", "<!subteam^S789>", "<#C")
OUR_LINK = re.compile(r"<(https://[^|<>]+|!date\^\d+\^[^|<>]+)\|[^<>]*>")


def assert_harmless(payload: dict[str, Any]) -> None:
    """Nothing can ping, no markup but the links we built, every block within Slack's limits."""
    for text in message_texts(payload):
        for ping in PINGS:
            assert ping not in text
        assert "<" not in OUR_LINK.sub("", text), text
        assert ">" not in OUR_LINK.sub("", text).replace("&gt;", ""), text
        for hidden in ("\u202e", "\u2066", "\u200b", "\ufeff", "\x00", "\r", "\u2028"):
            assert hidden not in text
    assert_within_limits(payload)


def assert_within_limits(payload: dict[str, Any]) -> None:
    groups = [a["blocks"] for a in payload.get("attachments", [])]
    if "blocks" in payload:
        groups.append(payload["blocks"])
    for group in groups:
        assert 1 <= len(group) <= 50
        for block in group:
            if block["type"] == "section":
                assert 1 <= limits.units(block["text"]["text"]) <= 3000
            if block["type"] == "context":
                assert 1 <= len(block["elements"]) <= 10
                assert all(limits.units(e["text"]) <= 2000 for e in block["elements"])
    assert limits.units(payload["text"]) <= 3000


def hostile_incident_notice() -> Notice:
    incident = summary("bad/summary-hostile.json").incidents[0]
    return announce.incident_root(incident, incident.latest_update)


# --- escaping -----------------------------------------------------------------------------


def test_escape_turns_the_three_control_characters_into_entities() -> None:
    assert markup.escape("a & b <!channel> c > d") == "a &amp; b &lt;!channel&gt; c &gt; d"
    assert markup.escape("&amp;") == "&amp;amp;"  # shows the feed's text as it was written


def test_inline_text_cannot_close_our_bold_or_open_code() -> None:
    assert markup.inline("a *b* `c` ~d~ e_f") == "a ∗b∗ ˋcˋ ∼d∼ e_f"


def test_invisible_and_reordering_characters_are_dropped_but_emoji_stay_whole() -> None:
    assert (
        markup.inline("ev\u200beryone \u202etxt.exe\u202c 👩\u200d💻")
        == "everyone txt.exe 👩\u200d💻"
    )
    assert markup.body("line\r\nnext\u2028third\x00", 100) == "line\nnext\nthird"


def test_a_cut_never_splits_an_entity_and_marks_itself() -> None:
    cut = markup.fit("<&>" * 100, 20)
    assert cut.endswith("…")
    assert limits.units(cut) <= 20
    assert re.fullmatch(r"(&lt;|&amp;|&gt;)*…", cut)


def test_a_cut_counts_emoji_as_slack_does() -> None:
    cut = markup.fit("🔥" * 100, 21)
    assert cut == "🔥" * 10 + "…"


def test_a_cut_prefers_a_word_boundary() -> None:
    assert markup.fit("alpha beta gamma delta", 18) == "alpha beta gamma…"


def test_block_cut_never_leaves_half_a_link() -> None:
    text = "see " + "<https://stspg.io/abc|the status page>" * 3
    cut = limits.cut(text, 60)
    assert cut.endswith("…")
    assert cut.count("<") == cut.count(">")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://status.claude.com@evil.example/",
        "https://evil.example/|label",
        "https://evil.example/>x",
        "https://evil example/",
        "//evil.example/",
        "",
        None,
        "https://" + "a" * 3000 + ".example/",
    ],
)
def test_links_are_built_only_from_plain_http_urls(url: str | None) -> None:
    assert markup.safe_url(url) is None
    assert markup.link(url, "<!channel> label") == "&lt;!channel&gt; label"


def test_a_good_link_is_escaped() -> None:
    assert markup.link("https://stspg.io/x?a=1&b=2", "A *name*") == (
        "<https://stspg.io/x?a=1&amp;b=2|A ∗name∗>"
    )


def test_mentions_are_made_only_from_real_user_ids() -> None:
    assert markup.mention("U0ALICE01") == "<@U0ALICE01>"
    assert markup.mention("U1> <!channel") is None
    assert markup.mention("!here") is None


@given(st.text())
def test_any_text_comes_out_inert_and_within_its_limit(text: str) -> None:
    for shown in (markup.inline(text, 100), markup.body(text, 100), markup.linked(text, 100)):
        assert limits.units(shown) <= 100
        assert "<" not in OUR_LINK.sub("", shown)
        assert not re.search(r"&(?!amp;|lt;|gt;)", OUR_LINK.sub("", shown))


# --- notices ------------------------------------------------------------------------------


def test_a_hostile_incident_notice_pings_nobody() -> None:
    notice = hostile_incident_notice()
    payload = render.notice_message(notice)
    assert_harmless(payload)
    shown = "\n".join(message_texts(payload))
    assert "&lt;!channel&gt;" in shown
    assert "&lt;https://evil.example|status.claude.com&gt;" in shown
    assert payload["text"].startswith("🟡 *Minor incident:* Elevated errors &lt;!channel&gt;")
    assert payload["text"].endswith("…")  # the 5,000-character name, cut


def test_the_components_of_a_hostile_page_are_escaped() -> None:
    notice = replace(hostile_incident_notice(), components=("Claude Cowork <!channel> **@here**",))
    shown = "\n".join(message_texts(render.notice_message(notice)))
    assert "*Affects:* Claude Cowork &lt;!channel&gt; ∗∗@here∗∗" in shown


def test_a_huge_update_is_cut_to_one_section() -> None:
    incident = summary("bad/summary-huge-body.json").incidents[0]
    notice = announce.incident_root(
        incident, max(incident.incident_updates, key=lambda u: len(u.body))
    )
    assert len(notice.text) > 100_000
    payload = render.notice_message(notice)
    assert_within_limits(payload)
    body = payload["attachments"][0]["blocks"][0]["text"]["text"]
    assert body.endswith("…")
    assert body.startswith("### Timeline entry 1")


def notice(kind: NoticeKind, **changes: Any) -> Notice:
    started = datetime(2026, 11, 24, 18, 2, tzinfo=UTC)
    base = Notice(
        kind=kind,
        title="Elevated errors",
        severity=Severity.MAJOR,
        status="investigating",
        text="Looking into it.",
        at=started,
        components=("Claude API",),
        url="https://stspg.io/abc",
        started_at=started,
        thread_key="incident:1",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (NoticeKind.INCIDENT_STARTED, "🟠 *Major incident:* Elevated errors"),
        (NoticeKind.INCIDENT_UPDATED, "🟠 *Update:* Elevated errors"),
        (NoticeKind.MAINTENANCE_STARTED, "🟠 *Maintenance started:* Elevated errors"),
        (NoticeKind.FEED_LOST, "🟠 *Status page unreachable:* Elevated errors"),
    ],
)
def test_every_notice_says_what_it_is_about_on_its_own(kind: NoticeKind, title: str) -> None:
    assert render.notice_message(notice(kind))["text"] == title


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_of_notice_has_its_own_label(kind: NoticeKind) -> None:
    assert kind in NOTICE_LABEL
    if kind in ROOT_KINDS and kind not in (
        NoticeKind.MAINTENANCE_SCHEDULED,
        NoticeKind.COMPONENT_CHANGED,
    ):
        assert kind in CLOSED_VERB  # a root that is closed later says so


def test_the_closed_root_says_how_long_it_lasted() -> None:
    closed = notice(NoticeKind.INCIDENT_STARTED).closed(
        datetime(2026, 11, 24, 18, 49, tzinfo=UTC), "resolved"
    )
    payload = render.notice_message(closed)
    assert payload["text"] == "✅ *Resolved after 47 min:* Elevated errors"
    assert payload["attachments"][0]["color"] == "#2ecc71"
    maintenance = notice(NoticeKind.MAINTENANCE_STARTED, severity=Severity.MAINTENANCE).closed(
        datetime(2026, 11, 24, 20, 7, tzinfo=UTC), "completed"
    )
    assert render.notice_message(maintenance)["text"] == (
        "✅ *Completed after 2 h 5 min:* Elevated errors"
    )
    quick = notice(NoticeKind.INCIDENT_STARTED).closed(
        datetime(2026, 11, 24, 18, 2, 20, tzinfo=UTC), "resolved"
    )
    assert render.notice_message(quick)["text"] == "✅ *Resolved within a minute:* Elevated errors"


@pytest.mark.parametrize(
    ("severity", "colour"),
    [
        (Severity.CRITICAL, "#c0392b"),
        (Severity.MAJOR, "#e67e22"),
        (Severity.MINOR, "#f1c40f"),
        (Severity.MAINTENANCE, "#3498db"),
        (Severity.RESOLVED, "#2ecc71"),
        (Severity.UNKNOWN, "#7f8c8d"),
    ],
)
def test_the_attachment_has_the_impact_colour(severity: Severity, colour: str) -> None:
    payload = render.notice_message(notice(NoticeKind.INCIDENT_UPDATED, severity=severity))
    assert payload["attachments"][0]["color"] == colour


def test_a_test_notice_is_marked_and_an_early_one_says_how_early() -> None:
    payload = render.notice_message(
        notice(NoticeKind.INCIDENT_STARTED, early_warning_minutes=7).as_test()
    )
    assert payload["text"].startswith("🧪 *TEST* · ")
    shown = "\n".join(message_texts(payload))
    assert "This is a test notice" in shown
    assert "the early warning fired 7 min before the status page posted it" in shown


def test_a_notice_with_an_unsafe_url_gets_no_link() -> None:
    payload = render.notice_message(notice(NoticeKind.INCIDENT_STARTED, url="javascript:x"))
    assert "Open on the status page" not in json.dumps(payload)


def test_times_are_shown_in_each_readers_time_zone() -> None:
    shown = "\n".join(message_texts(render.notice_message(notice(NoticeKind.INCIDENT_STARTED))))
    epoch = int(datetime(2026, 11, 24, 18, 2, tzinfo=UTC).timestamp())
    assert f"<!date^{epoch}^{{date_short_pretty}} {{time}}|2026-11-24 18:02 UTC>" in shown


# --- answers ------------------------------------------------------------------------------


def status_of(relative: str, code: str | None = None, minutes: int | None = None) -> Any:
    view = view_of(relative)
    symptom = parse_symptom(code) if code else None
    return replies.status_answer(view, advise(view, symptom, minutes, 0, NOW), NOW)


def test_a_hostile_status_answer_pings_nobody() -> None:
    payload = render.answer_message(status_of("bad/summary-hostile.json", "529"), share="529")
    assert_harmless(payload)
    assert payload["blocks"][-1]["elements"][0]["value"] == "529"


def test_a_huge_status_answer_fits() -> None:
    payload = render.answer_message(status_of("bad/summary-huge-body.json"))
    assert_harmless(payload)


def test_the_status_answer_reads_verdict_incident_then_advice() -> None:
    payload = render.answer_message(status_of("summary-major-outage.json", "503", 4))
    shown = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert shown[0].startswith("🔴 *Yes, Claude is having an outage* · Partial System Outage")
    assert "major impact" in shown[1]
    assert "*Affected components*" in "\n".join(shown)
    advice = next(s for s in shown if s.startswith("*What to do about 503* (seen for 4 min)"))
    assert "\n1. " in advice
    assert "🚫 Don't reinstall" in advice
    assert payload["text"].startswith("🔴 Yes, Claude is having an outage: Partial System Outage")


def test_maintenance_is_shown() -> None:
    shown = "\n".join(message_texts(render.answer_message(status_of("summary-maintenance.json"))))
    assert "🔧 *Maintenance:*" in shown


def test_an_unread_feed_is_said_plainly() -> None:
    view = view_of(None, readable=False)
    answer = replies.status_answer(view, advise(view, None, None, 0, NOW), NOW)
    payload = render.answer_message(answer)
    assert payload["text"].startswith("❔ Unknown: I can't read the status page")
    assert "not read yet" in "\n".join(message_texts(payload))


def test_many_incidents_stay_within_fifty_blocks() -> None:
    answer = status_of("summary-minor-incident.json")
    many = replace(answer, incidents=answer.incidents * 30)
    payload = render.answer_message(many, share="status")
    assert_harmless(payload)
    assert "… and 25 more" in "\n".join(message_texts(payload))


def test_history_is_a_bar_of_squares_per_component_and_durations() -> None:
    start = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    answer = HistoryAnswer(
        days=tuple(date(2026, 11, 18) + timedelta(days=n) for n in range(7)),
        incidents=(
            PastIncident(
                "i1", "Errors <!here>", "major", start, start + timedelta(minutes=95), None
            ),
            PastIncident("i2", "Slow", "minor", start, None, "https://stspg.io/i2"),
        ),
        bars=(
            ComponentBar(
                "Claude API", ("none", "none", "major", "minor", "none", "maintenance", "odd")
            ),
        ),
        source="https://status.claude.com",
    )
    payload = render.answer_message(answer, share="history")
    assert_harmless(payload)
    shown = "\n".join(message_texts(payload))
    assert "🟩🟩🟧🟨🟩🟦⬜  Claude API" in shown
    assert "🟠 Errors &lt;!here&gt; · major ·" in shown
    assert "· 1 h 35 min" in shown
    assert "<https://stspg.io/i2|Slow> · minor ·" in shown
    assert "· ongoing" in shown


def test_history_of_a_real_page_renders() -> None:
    payload = render.answer_message(history_answer(view_of("summary-minor-incident.json"), NOW))
    assert_harmless(payload)


def test_help_quotes_what_was_not_understood_harmlessly() -> None:
    payload = render.answer_message(HelpAnswer(HELP_WORDS, unknown="<!channel> *boom*"))
    assert_harmless(payload)
    shown = "\n".join(message_texts(payload))
    assert "I didn't understand “&lt;!channel&gt; ∗boom∗”" in shown
    assert "*subscribe [COMPONENT …]*" in shown
    assert not [b for b in payload["blocks"] if b["type"] == "actions"]


def test_a_refusal_is_marked_and_never_shareable() -> None:
    payload = render.answer_message(TextAnswer("No <@U1>", ok=False), share="x")
    assert payload["text"] == "⚠️ No &lt;@U1&gt;"
    assert not [b for b in payload["blocks"] if b["type"] == "actions"]


def test_a_shared_answer_says_who_shared_it() -> None:
    payload = render.answer_message(status_of("summary-operational.json"), shared_by="U0ALICE01")
    assert "Shared by <@U0ALICE01>" in message_texts(payload)
    forged = render.answer_message(status_of("summary-operational.json"), shared_by="<!channel>")
    assert not any("Shared by" in t for t in message_texts(forged))


def test_the_channel_note_is_escaped() -> None:
    payload = render.note_message("@alice <!channel> subscribed this channel")
    assert payload["text"] == "@alice &lt;!channel&gt; subscribed this channel"


def test_text_only_keeps_just_the_text() -> None:
    payload = render.notice_message(notice(NoticeKind.INCIDENT_STARTED))
    assert render.text_only(payload) == {"text": payload["text"]}


def test_a_notice_from_the_core_renders_from_an_event() -> None:
    incident = summary("summary-minor-incident.json").incidents[0]
    [planned] = announce.plan(IncidentStarted(incident, incident.latest_update), "https://x")
    payload = render.notice_message(planned.notice)
    assert_harmless(payload)
    assert payload["text"] == "🟡 *Minor incident:* Elevated errors on Claude Opus 4.6"
