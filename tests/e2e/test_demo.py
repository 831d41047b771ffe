"""``is-claude-down demo`` as a subprocess: the whole recorded incident, marked as a test, and
never mixed with the real state of a watcher running beside it."""

from __future__ import annotations

from pathlib import Path

from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env, run
from tests.e2e.test_watch import _read_since, headlines

DEMO_NOTICES = [
    "INCIDENT",
    "UPDATE",
    "UPDATE",
    "UPDATE",
    "RESOLVED",
    "edit INCIDENT",
    "MAINTENANCE",
    "MAINTENANCE",
    "edit MAINTENANCE",
]


def test_demo_replays_the_whole_incident_marked_as_a_test(tmp_path: Path) -> None:
    done = run(["demo", "--speed", "20"], bot_env(STATUS_PAGE_URL="http://127.0.0.1:9"), tmp_path)
    assert done.returncode == 0, done.stderr
    notices = [line for line in done.stdout.splitlines() if "UTC  " in line]
    assert headlines(done.stdout.splitlines()) == DEMO_NOTICES
    assert all("[TEST]" in line for line in notices)
    assert "Every notice is marked TEST" in done.stdout.splitlines()[0]
    assert list(tmp_path.iterdir()) == []  # no database left behind, the real one untouched


def test_demo_during_a_real_incident_leaves_the_real_thread_alone(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    steps = scenario_steps("api-elevated-errors")  # the demo replays the same incident ids
    env = bot_env(STATUS_PAGE_URL=statuspage.url)
    statuspage.set_step(steps[1])
    watch = BotProcess(["watch"], env, tmp_path)
    try:
        watch.wait_for(lambda: headlines(watch.stdout) == ["INCIDENT"], what="the real start")
        demo = run(["demo", "--speed", "20"], env, tmp_path)
        for step in steps[2:]:
            seen = len(statuspage.requests)
            statuspage.set_step(step)
            watch.wait_for(lambda n=seen: _read_since(statuspage, n), what="the step to be read")
        watch.wait_for(lambda: "edit INCIDENT" in headlines(watch.stdout), what="the real end")
        watch.terminate()
    finally:
        watch.close()
    assert demo.returncode == 0, demo.stderr
    assert headlines(demo.stdout.splitlines()) == DEMO_NOTICES
    real = [line for line in watch.stdout if "UTC  " in line]
    assert headlines(watch.stdout) == [
        "INCIDENT",
        "UPDATE",
        "UPDATE",
        "UPDATE",
        "RESOLVED",
        "edit INCIDENT",
    ]
    assert not any("[TEST]" in line for line in real)
