"""The advice with the community in view: an elevated source is cited by ``wait``, and keeps a
long-running 5xx on ``wait`` (others see it too); a quiet or unreadable one changes nothing."""

from __future__ import annotations

from dataclasses import replace

from bot.ask.advisor import advise
from bot.ask.playbook import AdviceKind
from bot.ask.symptoms import parse_symptom
from bot.detect.community import CommunityReport, Standing
from tests.unit.helpers import NOW, view_of

ELEVATED = CommunityReport("reddit:r/ClaudeAI", "r/ClaudeAI", Standing.ELEVATED, 9, 1.0)
QUIET = CommunityReport(
    "github:anthropics/claude-code", "anthropics/claude-code issues", Standing.QUIET, 0, 1.0
)
UNREADABLE = CommunityReport("reddit:r/ClaudeAI", "r/ClaudeAI", Standing.UNAVAILABLE, 0, 1.0)


def test_a_503_with_an_elevated_source_waits_and_cites_it() -> None:
    view = replace(view_of("summary-operational.json"), community=(ELEVATED, QUIET))
    advice = advise(view, parse_symptom("503"), None, 0, NOW)
    assert advice.kind is AdviceKind.WAIT
    assert "r/ClaudeAI: 9 posts about errors in 30 min (usually 1): others see it too" in (
        advice.summary
    )
    assert "anthropics" not in advice.summary


def test_seen_for_long_it_is_still_wait_while_the_community_sees_it() -> None:
    view = replace(view_of("summary-operational.json"), community=(ELEVATED,))
    assert advise(view, parse_symptom("503"), 25, 0, NOW).kind is AdviceKind.WAIT


def test_quiet_or_unreadable_sources_change_nothing() -> None:
    for reports in ((QUIET,), (UNREADABLE,), ()):
        view = replace(view_of("summary-operational.json"), community=reports)
        advice = advise(view, parse_symptom("503"), 25, 0, NOW)
        assert advice.kind is AdviceKind.LOCAL_CHECK
        assert "posts about errors" not in advice.summary
        assert view.verdict.value == "operational"
