"""``is-claude-down watch`` as a subprocess through a scripted incident, killed midway."""

from __future__ import annotations

import time
from pathlib import Path

from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env


def headlines(lines: list[str]) -> list[str]:
    """The notice kinds printed, in order: INCIDENT, ↳ UPDATE, ↳ RESOLVED, ✎ INCIDENT ..."""
    wanted = ("INCIDENT", "UPDATE", "RESOLVED", "FEED LOST", "FEED BACK", "MAINTENANCE")
    shown = []
    for line in lines:
        words = line.split("UTC  ", 1)
        if len(words) == 2:
            words[1] = words[1].removeprefix("[TEST] ")
        if len(words) == 2 and words[1].startswith(wanted):
            prefix = "edit " if line.lstrip().startswith("✎") else ""
            shown.append(prefix + words[1].split(" ")[0])
    return shown


def test_incident_printed_once_each_across_a_sigkill(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    steps = scenario_steps("api-elevated-errors")
    env = bot_env(STATUS_PAGE_URL=statuspage.url)
    statuspage.set_step(steps[0])
    first = BotProcess(["watch"], env, tmp_path)
    try:
        first.wait_for(lambda: any("watching" in line for line in first.stderr), what="start")
        for index, step in enumerate(steps[1:3], start=2):
            statuspage.set_step(step)
            first.wait_for(
                lambda n=index: len(headlines(first.stdout)) >= n - 1, what=f"step {index}"
            )
        # Killed mid-incident, but not inside the post-before-commit window
        # (tests/e2e/test_crashes.py kills at random moments and counts that one).
        time.sleep(1.0)
        first.kill()
    finally:
        first.close()
    statuspage.set_step(steps[3])  # changes while the watcher is down are not missed
    second = BotProcess(["watch"], env, tmp_path)
    try:
        second.wait_for(
            lambda: len(headlines(second.stdout)) >= 1, what="the update missed while down"
        )
        for step in steps[4:]:
            seen = len(statuspage.requests)
            statuspage.set_step(step)
            second.wait_for(lambda n=seen: _read_since(statuspage, n), what="the step to be read")
        second.wait_for(lambda: "edit INCIDENT" in headlines(second.stdout), what="the resolution")
        assert second.terminate() == 0
    finally:
        second.close()
    assert headlines(first.stdout) == ["INCIDENT", "UPDATE"]
    assert headlines(second.stdout) == ["UPDATE", "UPDATE", "RESOLVED", "edit INCIDENT"]


def test_feed_outage_prints_one_lost_and_one_back(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    steps = scenario_steps("feed-outage")
    statuspage.set_step(steps[0])
    bot = BotProcess(["watch"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    try:
        bot.wait_for(lambda: any("watching" in line for line in bot.stderr), what="start")
        for step in steps[1:7]:
            statuspage.set_step(step)
            count = len(statuspage.requests)
            bot.wait_for(lambda c=count: len(statuspage.requests) > c, what="a failed poll")
        bot.wait_for(lambda: "FEED" in headlines(bot.stdout), what="feed lost")
        statuspage.set_step(steps[7])
        bot.wait_for(lambda: "edit FEED" in headlines(bot.stdout), what="feed back")
        assert bot.terminate() == 0
    finally:
        bot.close()
    assert headlines(bot.stdout) == ["FEED", "FEED", "edit FEED"]


def _read_since(statuspage: FakeStatuspage, index: int) -> bool:
    """The summary was asked for after the ``index``-th request: the new step was seen
    (a 200, or a 304 when the step did not change the page)."""
    return any(r.path.endswith("summary.json") for r in statuspage.requests[index:])
