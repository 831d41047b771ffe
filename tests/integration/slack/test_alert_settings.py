"""``/is-claude-down alerts …`` through the real bolt app and core: settings shown as Block Kit
fields, changed and stored per channel, told to the channel, refused with what to say."""

from __future__ import annotations

from datetime import time

from bot.notify.ports import Target
from bot.preferences import Preferences, QuietHours
from fakes.slack_api import TEAM_ID, texts
from fakes.statuspage import load_json
from tests.integration.slack.conftest import Bot, eventually

GENERAL = Target("slack", "C0GENERAL", TEAM_ID)
RANDOM = Target("slack", "C0RANDOM", TEAM_ID)


async def test_alerts_shows_the_defaults_as_block_kit_fields(bot: Bot) -> None:
    answer = await bot.command("alerts")
    assert answer["response_type"] == "ephemeral"
    fields = next(b["fields"] for b in answer["blocks"] if "fields" in b)
    shown = [f["text"] for f in fields]
    assert "*Incidents*\nevery incident" in shown
    assert "*Quiet hours*\nnone" in shown
    assert "not subscribed" in texts(answer["blocks"])


async def test_changes_are_stored_per_channel_and_told_to_the_channel(bot: Bot) -> None:
    await bot.command("subscribe")
    await bot.command("alerts impact major")
    answer = await bot.command("alerts quiet 22:00-08:00 Europe/Berlin")
    await bot.command("alerts updates off")
    shown = texts(answer["blocks"])
    assert "Alert settings changed by alice" in shown
    assert "major impact and above" in shown
    assert "22:00-08:00 Europe/Berlin (critical incidents break through)" in shown
    await eventually(lambda: len(bot.slack.responses) >= 4)
    notes = [note["text"] for _, note in bot.slack.responses]
    assert "alice changed this channel's Claude status alert settings." in notes

    berlin = QuietHours(time(22), time(8), "Europe/Berlin")
    wanted = Preferences(impact="major", updates=False, quiet=berlin)
    assert await bot.app.store.preferences(GENERAL) == wanted
    assert await bot.app.store.preferences(RANDOM) == Preferences()
    (subscription,) = await bot.app.store.active_subscriptions()
    assert subscription.preferences == wanted


async def test_bad_settings_are_refused_and_change_nothing(bot: Bot) -> None:
    await bot.command("alerts impact major")
    for words, says in [
        ("alerts impact catastrophic", "is not an impact I know"),
        ("alerts quiet 22:00-08:00 Nowhere/Land", "is not a time zone I know"),
        ("alerts quiet 22:61-08:00 UTC", "is not a time of day"),
        ("alerts volume loud", "I did not understand"),
    ]:
        answer = await bot.command(words)
        assert answer["text"].startswith("⚠️"), answer
        assert says in answer["text"]
    assert await bot.app.store.preferences(GENERAL) == Preferences(impact="major")


async def test_what_a_user_typed_in_a_refusal_cannot_ping(bot: Bot) -> None:
    answer = await bot.command("alerts impact <!channel>")
    assert "<!channel>" not in answer["text"]
    assert "<!channel>" not in texts(answer["blocks"])


async def test_a_channel_that_set_an_impact_first_gets_no_minor_catch_up(bot: Bot) -> None:
    await bot.poll({"summary": load_json("summary-minor-incident.json")})
    await bot.command("alerts impact major", channel="C0MAJOR")
    await bot.command("subscribe", channel="C0MAJOR")
    await bot.command("subscribe", channel="C0EVERYTHING")
    await bot.deliver()
    assert bot.slack.roots("C0MAJOR") == []
    assert len(bot.slack.roots("C0EVERYTHING")) == 1
