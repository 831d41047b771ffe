"""The "back again" line on Slack and Discord: it links this channel's earlier notice when
the dispatcher found it, else the earlier incident's page; the earlier title cannot ping."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord.render import notice_message as discord_notice
from adapters.slack.render import notice_message as slack_notice
from bot.notify.notices import Earlier, Notice, NoticeKind, Severity
from fakes.discord_api import validate_message

AT = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
EARLIER = Earlier("Elevated errors @everyone <!channel>", 12, "incident:a", "https://stspg.io/a")


def notice(earlier: Earlier) -> Notice:
    return Notice(
        NoticeKind.INCIDENT_STARTED,
        "Errors again",
        Severity.MAJOR,
        "investigating",
        "…",
        AT,
        thread_key="incident:b",
        earlier=earlier,
    )


def test_slack_links_the_earlier_root_in_this_channel() -> None:
    linked = Earlier(**{**EARLIER.__dict__, "root": {"channel": "C1", "id": "1700.000100"}})
    shown = str(slack_notice(notice(linked)))
    assert "Back 12 minutes after" in shown
    assert "<https://slack.com/archives/C1/p1700000100|The earlier notice>" in shown
    assert "<!channel>" not in shown
    fallback = str(slack_notice(notice(EARLIER)))
    assert "<https://stspg.io/a|The earlier notice>" in fallback


def test_discord_links_the_earlier_message_in_this_guild() -> None:
    linked = Earlier(
        **{**EARLIER.__dict__, "root": {"channel": "55", "id": "77"}, "workspace": "99"}
    )
    message = discord_notice(notice(linked))
    validate_message({"content": message.content, "embeds": list(message.embeds)})
    description = message.embeds[0]["description"]
    assert "Back 12 minutes after" in description
    assert "[The earlier notice](https://discord.com/channels/99/55/77)" in description
    assert "@\u200beveryone" in description  # broken by a zero-width space: never a ping
