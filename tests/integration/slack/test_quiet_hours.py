"""Quiet hours through the whole bot into Slack: a quiet channel beside one that hears
everything, the digest when the hours end (also across a restart inside them), and a critical
incident breaking through."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

from fakes.slack_api import FakeSlack, texts
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.slack.conftest import Bot, running_bot

STEPS = scenario_steps("api-elevated-errors")
NAME = "Elevated errors on the Claude API"
ALL, QUIET = "C0HEARSALL", "C0QUIETNIGHTS"
HOURS = timedelta(hours=2)


async def settle(bot: Bot) -> None:
    for _ in range(40):
        await bot.deliver()
        if not await bot.app.store.pending_count():
            return
        bot.clock.advance(301)
    raise AssertionError("notices still pending")


async def set_up(bot: Bot) -> None:
    """Both channels subscribed; the quiet one quiet from a minute ago for two hours (UTC)."""
    now = bot.clock()
    start, end = now - timedelta(minutes=1), now + HOURS
    await bot.command("subscribe", channel=ALL)
    await bot.command("subscribe", channel=QUIET)
    answer = await bot.command(f"alerts quiet {start:%H:%M}-{end:%H:%M} UTC", channel=QUIET)
    assert "Quiet hours" in texts(answer["blocks"])


async def poll(bot: Bot, step: dict[str, Any]) -> None:
    await bot.poll(step)
    await settle(bot)


def at_impact(step: dict[str, Any], impact: str) -> dict[str, Any]:
    step = copy.deepcopy(step)
    for incident in [*step["summary"]["incidents"], *step["incidents"]["incidents"]]:
        if incident["id"] == "6j2silbjfwi0":
            incident["impact"] = impact
    return step


async def test_notices_are_held_and_told_in_one_digest_when_the_hours_end(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_step(STEPS[0])
    async with running_bot(slack, statuspage, tmp_path) as bot:
        await set_up(bot)
        for step in STEPS:
            await poll(bot, step)
        assert len(slack.roots(ALL)) == 1
        assert slack.roots(QUIET) == []

        bot.clock.advance(HOURS.total_seconds() + 60)
        await poll(bot, STEPS[-1])
        [digest] = slack.roots(QUIET)
        shown = texts(digest.attachments) + digest.text
        assert "While it was quiet here" in shown
        assert f"{NAME}: Incident, 3 × Update, Resolved" in shown
        assert texts(digest.attachments).count(NAME) == 1  # each incident once
        await poll(bot, STEPS[-1])  # and only once
        assert len(slack.roots(QUIET)) == 1


async def test_the_digest_survives_a_restart_and_an_open_incident_gets_its_thread(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_step(STEPS[0])
    async with running_bot(slack, statuspage, tmp_path) as bot:
        await set_up(bot)
        for step in STEPS[1:3]:
            await poll(bot, step)
        offset = bot.clock.offset
    assert slack.roots(QUIET) == []

    async with running_bot(slack, statuspage, tmp_path) as bot:  # restarted, still quiet
        bot.clock.offset = offset
        await poll(bot, STEPS[3])
        assert slack.roots(QUIET) == []
        bot.clock.advance(HOURS.total_seconds() + 60)
        await poll(bot, STEPS[4])
        digest, story = slack.roots(QUIET)
        assert "still open: its thread follows" in texts(digest.attachments)
        assert "We are currently investigating this issue." in texts(story.attachments)
        [update] = slack.replies(QUIET, story.ts)  # this poll's update: in the story's thread
        assert "monitoring" in texts(update.attachments)
        await poll(bot, STEPS[5])  # resolved: in the thread too, from then on as usual
        _, resolution = slack.replies(QUIET, story.ts)
        assert resolution.reply_broadcast
        assert resolution.text.startswith("✅ *Resolved:* " + NAME)
        assert story.text.startswith("✅ *Resolved after")


async def test_a_critical_incident_breaks_through_quiet_hours(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_step(STEPS[0])
    async with running_bot(slack, statuspage, tmp_path) as bot:
        await set_up(bot)
        await poll(bot, at_impact(STEPS[1], "critical"))
        [root] = slack.roots(QUIET)
        assert root.first_text.startswith("🔴 *Critical incident:* " + NAME)
        await poll(bot, at_impact(STEPS[2], "critical"))
        assert len(slack.replies(QUIET, root.ts)) == 1
