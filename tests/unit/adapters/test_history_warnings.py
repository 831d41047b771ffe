"""``history`` shows past early warnings and their lead times, in Slack and Discord alike."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from adapters.discord.render import answer_message as discord_answer
from adapters.slack.render.answers import answer_message as slack_answer
from bot.ask.answers import ComponentBar, HistoryAnswer, PastWarning

OPENED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HISTORY = HistoryAnswer(
    days=(date(2026, 11, 30), date(2026, 12, 1)),
    incidents=(),
    bars=(ComponentBar("Claude API", ("none", "minor")),),
    source="https://status.claude.com",
    warnings=(
        PastWarning(OPENED, OPENED, "Elevated errors <!channel> on the API", 8),
        PastWarning(OPENED, OPENED, None, None),
    ),
)


def test_slack_history_lists_warnings_with_lead_times_escaped() -> None:
    shown = json.dumps(slack_answer(HISTORY))
    assert "Early warnings" in shown
    assert "8 min early" in shown
    assert "cleared without an incident" in shown
    assert "<!channel>" not in shown


def test_discord_history_lists_warnings_with_lead_times() -> None:
    message = discord_answer(HISTORY)
    shown = json.dumps([e for e in message.embeds])
    assert "Early warnings (2)" in shown
    assert "8 min early" in shown
    assert "cleared without an incident" in shown
