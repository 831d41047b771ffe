"""Kill ``watch`` with SIGKILL at random moments through an incident, many times (seeded and
bounded), and count: every notice must be printed once, none lost, none twice."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env
from tests.e2e.test_watch import headlines

SEED = 20261201
EXPECTED = ["INCIDENT", "UPDATE", "UPDATE", "UPDATE", "RESOLVED", "edit INCIDENT"]


def test_random_sigkills_lose_nothing_and_repeat_nothing(
    statuspage: FakeStatuspage, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    rng = random.Random(SEED)
    steps = scenario_steps("api-elevated-errors")
    env = bot_env(STATUS_PAGE_URL=statuspage.url)
    printed: list[str] = []
    kills = 0
    statuspage.set_step(steps[0])
    step = 0
    while step < len(steps) - 1:
        bot = BotProcess(["watch"], env, tmp_path)
        try:
            bot.wait_for(lambda b=bot: any("watching" in line for line in b.stderr), what="start")
            step += rng.choice((0, 1, 2))
            statuspage.set_step(steps[min(step, len(steps) - 1)])
            time.sleep(rng.uniform(0.05, 1.3))
            bot.kill()
            kills += 1
        finally:
            bot.close()
            printed += headlines(bot.stdout)
    final = BotProcess(["watch"], env, tmp_path)
    try:
        final.wait_for(
            lambda: len(printed) + len(headlines(final.stdout)) >= len(EXPECTED), what="the rest"
        )
        time.sleep(1.5)  # one more poll: nothing more may appear
        final.terminate()
    finally:
        final.close()
        printed += headlines(final.stdout)
    counts, expected = Counter(printed), Counter(EXPECTED)
    duplicated = sum((counts - expected).values())
    lost = sum((expected - counts).values())
    record_property(
        "reliability",
        f"seed {SEED}, {kills} SIGKILLs, notices expected {len(EXPECTED)}, "
        f"delivered {len(printed)}, duplicated {duplicated}, lost {lost}",
    )
    assert kills >= 4
    assert (duplicated, lost) == (0, 0), printed
    assert printed.index("INCIDENT") < printed.index("RESOLVED") < printed.index("edit INCIDENT")
