"""Channel preferences through the whole bot into Slack: a channel that wants only major
incidents beside one that wants all, an incident raised from minor to major, and a new
incident on the same components soon after the resolution ("back again") and on others."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fakes.slack_api import FakeSlack, texts
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.slack.conftest import Bot, running_bot

STEPS = scenario_steps("api-elevated-errors")
NAME = "Elevated errors on the Claude API"
ALL, MAJOR = "C0ALLINCIDENTS", "C0MAJORONLY"
CLAUDE_API, CLAUDE_AI = "k8w3r06qmzrp", "rwppv331jlwc"
RESOLVED_AT = datetime.fromisoformat("2026-11-03T14:47:02.655Z")


def raised_to_major(step: dict[str, Any]) -> dict[str, Any]:
    """The step with the scenario's incident at major impact (the feed raised it)."""
    step = copy.deepcopy(step)
    for incident in [*step["summary"]["incidents"], *step["incidents"]["incidents"]]:
        if incident["id"] == "6j2silbjfwi0":
            incident["impact"] = "major"
    return step


def new_incident_step(
    incident_id: str, name: str, component: str, minutes_after: int
) -> dict[str, Any]:
    """The page after the scenario, plus a new incident on ``component`` starting
    ``minutes_after`` the scenario's incident was resolved."""
    step = copy.deepcopy(STEPS[-1])
    at = (RESOLVED_AT + timedelta(minutes=minutes_after)).isoformat().replace("+00:00", "Z")
    template = STEPS[1]["summary"]["incidents"][0]
    incident = copy.deepcopy(template) | {
        "id": incident_id,
        "name": name,
        "created_at": at,
        "started_at": at,
        "updated_at": at,
        "shortlink": f"https://stspg.io/{incident_id}",
    }
    [update] = incident["incident_updates"][-1:]
    update |= {"id": f"u{incident_id}", "incident_id": incident_id, "created_at": at}
    update |= {"display_at": at, "updated_at": at}
    update["affected_components"] = [
        {"code": component, "name": name, "old_status": "operational", "new_status": "major_outage"}
    ]
    incident["incident_updates"] = [update]
    incident["components"] = [c | {"id": component} for c in incident["components"][:1]]
    step["summary"]["page"]["updated_at"] = at
    step["summary"]["incidents"] = [incident]
    step["incidents"]["incidents"] = [incident, *step["incidents"]["incidents"]]
    return step


@pytest.fixture
async def bot(slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path) -> AsyncIterator[Bot]:
    statuspage.set_step(STEPS[0])
    async with running_bot(slack, statuspage, tmp_path) as running:
        await running.command("subscribe", channel=ALL)
        await running.command("subscribe", channel=MAJOR)
        await running.command("alerts impact major", channel=MAJOR)
        yield running


async def settle(bot: Bot) -> None:
    for _ in range(40):
        await bot.deliver()
        if not await bot.app.store.pending_count():
            return
        bot.clock.advance(301)
    raise AssertionError("notices still pending")


async def test_minor_is_skipped_then_announced_with_its_story_when_raised_to_major(
    bot: Bot,
) -> None:
    for step in STEPS[:3]:  # started minor, an update at minor
        await bot.poll(step)
        await settle(bot)
    assert len(bot.slack.roots(ALL)) == 1
    assert bot.slack.roots(MAJOR) == []

    for step in STEPS[3:]:  # raised to major, one more update, then resolved
        await bot.poll(raised_to_major(step))
        await settle(bot)
    [root] = bot.slack.roots(MAJOR)
    story = texts(root.attachments)
    assert "We are currently investigating this issue." in story  # the first update
    assert "identified" in story.lower()  # the one that crossed
    replies = bot.slack.replies(MAJOR, root.ts)
    assert [r.reply_broadcast for r in replies] == [False, True]  # an update, the resolution
    assert replies[-1].text.startswith("✅ *Resolved:* " + NAME)
    assert root.text.startswith("✅ *Resolved after")  # the story's root, edited closed
    assert "We are currently investigating this issue." in texts(root.attachments)
    [plain] = bot.slack.roots(ALL)
    assert len(bot.slack.replies(ALL, plain.ts)) == 4  # the unfiltered channel: as ever


async def test_back_again_on_the_same_components_links_the_earlier_notice(bot: Bot) -> None:
    await bot.command("alerts impact any", channel=MAJOR)
    for step in STEPS:
        await bot.poll(step)
        await settle(bot)
    [earlier] = bot.slack.roots(ALL)

    await bot.poll(new_incident_step("back0000001", "API errors again", CLAUDE_API, 12))
    await settle(bot)
    [_, again] = bot.slack.roots(ALL)
    shown = texts(again.attachments)
    assert f"Back 12 minutes after “{NAME}” was resolved." in shown
    link = f"https://slack.com/archives/{ALL}/p{earlier.ts.replace('.', '')}"
    assert f"<{link}|The earlier notice>" in shown


async def test_no_back_line_for_other_components_or_after_the_hour(bot: Bot) -> None:
    for step in STEPS:
        await bot.poll(step)
        await settle(bot)
    await bot.poll(new_incident_step("other000001", "claude.ai login errors", CLAUDE_AI, 10))
    await settle(bot)
    await bot.poll(new_incident_step("late0000001", "API errors later", CLAUDE_API, 75))
    await settle(bot)
    roots = bot.slack.roots(ALL)
    assert len(roots) == 3
    assert all("Back " not in texts(r.attachments) for r in roots)
