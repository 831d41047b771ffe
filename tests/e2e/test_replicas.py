"""Several ``serve`` replicas on one PostgreSQL database: one polls, each notice is sent once,
and when the poller is killed another takes over without losing or repeating anything."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env
from tests.e2e.test_serve import free_port
from tests.e2e.test_watch import headlines

pytestmark = pytest.mark.postgres


def is_poller(bot: BotProcess) -> bool:
    return any("now the poller" in line for line in bot.stderr)


def test_three_replicas_kill_the_poller_mid_incident(
    statuspage: FakeStatuspage,
    tmp_path: Path,
    postgres_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    steps = scenario_steps("api-elevated-errors")
    statuspage.set_step(steps[0])
    replicas: list[tuple[BotProcess, str]] = []
    for n in range(3):
        port = free_port()
        env = bot_env(
            STATUS_PAGE_URL=statuspage.url,
            DATABASE_URL=postgres_url,
            HOST="127.0.0.1",
            PORT=str(port),
        )
        workdir = tmp_path / f"replica{n}"
        workdir.mkdir()
        replicas.append((BotProcess(["serve"], env, workdir), f"http://127.0.0.1:{port}"))
    bots = [bot for bot, _ in replicas]

    def everything() -> list[str]:
        return [line for bot in bots for line in headlines(bot.stdout)]

    try:
        for bot, base in replicas:
            bot.wait_for(lambda b=base: _ready(b), what="every replica ready")
        pollers = [bot for bot in bots if is_poller(bot)]
        assert len(pollers) == 1
        for n, step in enumerate(steps[1:3], start=1):
            statuspage.set_step(step)
            bots[0].wait_for(lambda n=n: len(everything()) >= n, what=f"notice {n}")
        # Not inside the one window a crash can repeat a notice in (printed, not yet recorded:
        # tests/e2e/test_crashes.py is about that): let the last delivery's commit land.
        time.sleep(1.0)
        pollers[0].kill()
        survivors = [bot for bot in bots if bot is not pollers[0]]
        for step in steps[3:]:
            seen = len(statuspage.requests)
            statuspage.set_step(step)
            survivors[0].wait_for(
                lambda s=seen: any(
                    r.path.endswith("summary.json") for r in statuspage.requests[s:]
                ),
                timeout=30,
                what="a surviving replica to poll",
            )
        survivors[0].wait_for(
            lambda: "edit INCIDENT" in everything(), timeout=30, what="resolution"
        )
        status = [
            httpx.get(base + "/api/status").json() for bot, base in replicas if bot in survivors
        ]
        new_pollers = [bot for bot in survivors if is_poller(bot)]
    finally:
        for bot in bots:
            bot.close()
    expected = ["INCIDENT", "UPDATE", "UPDATE", "UPDATE", "RESOLVED", "edit INCIDENT"]
    got = everything()
    duplicated = sum((Counter(got) - Counter(expected)).values())
    lost = sum((Counter(expected) - Counter(got)).values())
    record_property(
        "reliability",
        f"3 replicas, poller killed mid-incident; notices expected {len(expected)}, "
        f"delivered {len(got)}, duplicated {duplicated}, lost {lost}",
    )
    assert len(new_pollers) == 1
    assert sorted(got) == sorted(expected), "\n\n".join(
        "\n".join([*bot.stdout, "--- stderr", *bot.stderr]) for bot in bots
    )
    assert all(s["verdict"] == "operational" and s["incidents"] == [] for s in status)


def _ready(base: str) -> bool:
    try:
        return httpx.get(base + "/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
