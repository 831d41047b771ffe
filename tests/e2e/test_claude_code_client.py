"""``hook``, ``report`` and ``statusline`` as Claude Code runs them: subprocesses, with
real-shaped hook JSON, against the fake status page (and a page or bot that hangs).

The same commands against a real ``serve`` are in ``test_claude_code_serve.py``.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from fakes.statuspage import FakeStatuspage
from tests.e2e.process import bot_env, run

FIXTURES = Path(__file__).parents[1] / "fixtures" / "claude_code"


def client_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A developer's machine: its own cache directory, nothing of the test runner's set."""
    base = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "IS_CLAUDE_DOWN_URL": "",
        "REPORT_TOKEN": "",
        "REPORT_TOKEN_FILE": "",
        "REPORTER": "",
        "STATUSLINE_CACHE_SECONDS": "",
    }
    return bot_env(**(base | overrides))


def hook_input(name: str) -> str:
    return (FIXTURES / f"stop-failure-{name}.json").read_text(encoding="utf-8")


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def test_statusline_from_the_status_page_then_from_the_cache(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    env = client_env(tmp_path, STATUS_PAGE_URL=statuspage.url)
    first = run(["statusline"], env, tmp_path)
    requests = len(statuspage.requests)
    second = run(["statusline"], env, tmp_path)
    assert first.returncode == second.returncode == 0
    assert first.stdout.startswith("Claude: degraded · Elevated errors on Claude Opus 4.6 (")
    assert first.stdout.count("\n") == 1
    assert second.stdout == first.stdout
    assert requests == 1
    assert len(statuspage.requests) == requests  # fresh cache: no request at all
    cached = json.loads((tmp_path / "cache/is-claude-down/statusline.json").read_text())
    assert cached["verdict"] == "degraded"


def test_statusline_refreshes_an_old_cache(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    env = client_env(tmp_path, STATUS_PAGE_URL=statuspage.url, STATUSLINE_CACHE_SECONDS="0")
    before = run(["statusline"], env, tmp_path).stdout
    statuspage.set_summary("summary-major-outage.json")
    after = run(["statusline"], env, tmp_path).stdout
    assert before == "Claude: operational\n"
    assert after.startswith("Claude: outage · ")
    assert len(statuspage.requests) == 2


def test_statusline_with_the_network_gone_answers_at_once(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    """The bot and the page both hang: the line still comes, marked, well before either
    would answer (the fake hangs 5 s; the contract's 1 s is measured in bench/)."""
    env = client_env(tmp_path, STATUS_PAGE_URL=statuspage.url, STATUSLINE_CACHE_SECONDS="0")
    known = run(["statusline"], env, tmp_path)
    statuspage.set_fault("timeout")
    hanging = env | {"IS_CLAUDE_DOWN_URL": statuspage.url}
    started = time.monotonic()
    stale = run(["statusline"], env, tmp_path)
    never = run(["statusline"], hanging | {"XDG_CACHE_HOME": str(tmp_path / "empty")}, tmp_path)
    took = time.monotonic() - started
    assert known.stdout == "Claude: operational\n"
    assert stale.returncode == never.returncode == 0
    assert stale.stdout == "Claude: operational · stale 0 min\n"
    assert never.stdout == "Claude: status unknown\n"
    assert took < 4.5, took  # two runs, each cut short long before the 5 s hang ends


def test_statusline_offline_does_not_retry_within_the_cache_time(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_fault("http-500")
    env = client_env(tmp_path, STATUS_PAGE_URL=statuspage.url, STATUSLINE_CACHE_SECONDS="60")
    outputs = [run(["statusline"], env, tmp_path).stdout for _ in range(3)]
    assert outputs == ["Claude: status unknown\n"] * 3
    assert len(statuspage.requests) == 1


def test_hook_prints_nothing_and_exits_0_on_anything(tmp_path: Path) -> None:
    env = client_env(tmp_path, IS_CLAUDE_DOWN_URL=closed_port_url(), REPORT_TOKEN="t0ken-1234")
    inputs = [
        "",
        "not json",
        "[1, 2]",
        '{"hook_event_name": "StopFailure", "error": {"nested": true}}',
        hook_input("server-error-529"),  # the bot is unreachable
        hook_input("rate-limit"),
        "\x00\xff" * 1000,
    ]
    for text in inputs:
        result = run(["hook"], env, tmp_path, stdin=text)
        assert (result.returncode, result.stdout) == (0, ""), (text[:40], result.stderr)
        assert "Traceback" not in result.stderr


def test_hook_gives_up_on_a_hanging_bot_within_3_seconds(tmp_path: Path) -> None:
    with socket.socket() as silent:  # the kernel accepts the connection; nobody ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        bot_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        env = client_env(tmp_path, IS_CLAUDE_DOWN_URL=bot_url, REPORT_TOKEN="t0ken-1234")
        started = time.monotonic()
        result = run(["hook"], env, tmp_path, stdin=hook_input("server-error-529"))
        took = time.monotonic() - started
    assert (result.returncode, result.stdout) == (0, "")
    assert "no answer within" in result.stderr  # it did reach the bot, which hung
    assert took < 4.0, took


def test_report_exit_codes_without_a_bot(tmp_path: Path) -> None:
    unconfigured = run(["report", "529"], client_env(tmp_path), tmp_path)
    unreachable = run(
        ["report", "529"],
        client_env(tmp_path, IS_CLAUDE_DOWN_URL=closed_port_url(), REPORT_TOKEN="t0ken-1234"),
        tmp_path,
    )
    users_own = run(["report", "429"], client_env(tmp_path), tmp_path)
    assert unconfigured.returncode == 78
    assert "IS_CLAUDE_DOWN_URL and REPORT_TOKEN" in unconfigured.stderr
    assert unreachable.returncode == 3
    assert "did not answer" in unreachable.stderr
    assert users_own.returncode == 64
    assert "not reported" in users_own.stderr
    assert "t0ken-1234" not in unreachable.stderr + unreachable.stdout
