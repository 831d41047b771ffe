"""What a newcomer sees in the first minutes, as real subprocesses: ``watch`` says what it
watches and what it found, misspelt variables are named, ``serve`` says which chat adapters
are off, a database that cannot be opened is one line and exit 78, ``--help`` says enough."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.variables import VARIABLES
from fakes.statuspage import FakeStatuspage
from tests.e2e.process import BotProcess, bot_env, run
from tests.e2e.test_serve import free_port

EXIT_CONFIG = 78
POSTGRES_EXTRA = "pip install 'is-claude-down[postgres]'"


def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_watch_says_what_it_watches_then_that_it_cannot_read_yet(tmp_path: Path) -> None:
    page = closed_url()
    bot = BotProcess(["watch"], bot_env(STATUS_PAGE_URL=page), tmp_path)
    try:
        bot.wait_for(lambda: len(bot.stdout) >= 2, what="two lines on standard output")
        assert bot.stdout[0] == (
            f"Watching {page} every 1 s; notices print here as they happen (Ctrl-C stops)."
        )
        assert bot.stdout[1].startswith("Can't read the status page yet: retrying every 1 s (")
        bot.wait_for(lambda: any("FEED LOST" in line for line in bot.stdout), what="feed lost")
        assert sum("status page yet" in line for line in bot.stdout) == 1  # said once, not per poll
        assert bot.terminate() == 0
    finally:
        bot.close()


def test_watch_prints_the_state_after_the_first_read_before_any_notice(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    bot = BotProcess(["watch"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    try:
        bot.wait_for(lambda: any("INCIDENT" in line for line in bot.stdout), what="the notice")
        assert bot.stdout[0].startswith(f"Watching {statuspage.url} every 1 s")
        assert bot.stdout[1] == "Now: DEGRADED: Partially Degraded Service (checked just now)"
        assert bot.stdout[2].startswith("  • Elevated errors on Claude Opus 4.6 [minor,")
        first_notice = next(i for i, line in enumerate(bot.stdout) if "UTC  INCIDENT" in line)
        assert first_notice > 2
        assert bot.terminate() == 0
    finally:
        bot.close()
    # Internal ids (the incident's, an event's) stay out of the INFO log.
    assert not [line for line in bot.stderr if "twtqgbh8rf3j" in line]
    assert any("incident started notice sent to console:stdout" in line for line in bot.stderr)


def test_ctrl_c_while_watch_is_still_starting_stops_it_cleanly(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot = BotProcess(["watch"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    try:
        bot.wait_for(lambda: len(bot.stdout) >= 1, what="the first line")
        assert bot.interrupt() == 0  # the first line is out; the bot may still be starting
    finally:
        bot.close()
    assert not [line for line in bot.stderr if "Traceback" in line or "Error" in line]


def test_a_misspelt_variable_is_named_with_the_one_it_resembles(tmp_path: Path) -> None:
    env = bot_env(STATUSPAGE_URL="https://status.example.com", POLL_INTERVAL="60")
    done = run(["config"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        "STATUSPAGE_URL is not a variable of is-claude-down and is ignored: "
        "did you mean STATUS_PAGE_URL?"
    ) in done.stderr
    assert "POLL_INTERVAL is not a variable" in done.stderr
    assert "did you mean POLL_INTERVAL_SECONDS?" in done.stderr
    assert "status.example.com" not in done.stdout + done.stderr  # ignored, and not echoed


def test_config_shows_only_settable_names_and_the_database_url_as_written(
    tmp_path: Path,
) -> None:
    done = run(["config"], bot_env(), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "FEED_LOST_AFTER_FAILURES" not in done.stdout
    assert '"DATABASE_URL": "sqlite:///is-claude-down.db"' in done.stdout
    shown = set(re.findall(r'^  "([A-Z_]+)":', done.stdout, re.MULTILINE))
    assert shown == {v.name for v in VARIABLES}


def test_serve_says_which_chat_adapters_are_off_and_what_turns_each_on(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    env = bot_env(STATUS_PAGE_URL=statuspage.url, PORT=str(free_port()), HOST="127.0.0.1")
    bot = BotProcess(["serve"], env, tmp_path)
    try:
        bot.wait_for(lambda: sum(" is off: " in line for line in bot.stderr) >= 2, 90, "both")
    finally:
        bot.close()
    log = "\n".join(bot.stderr)
    assert "slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in log
    assert "discord is off: set DISCORD_BOT_TOKEN" in log


@pytest.mark.parametrize(
    ("command", "database_url", "says"),
    [
        (
            "watch",
            "postgresql://postgres@127.0.0.1:{port}/nothing",
            "check that the server runs",
        ),
        ("serve", "sqlite:///no/such/folder/bot.db", "check that its folder exists"),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_line_and_exit_78(
    tmp_path: Path, command: str, database_url: str, says: str
) -> None:
    url = database_url.format(port=free_port())  # nothing listens there
    env = bot_env(DATABASE_URL=url, STATUS_PAGE_URL=closed_url(), PORT="0")
    done = run([command], env, tmp_path)
    assert done.returncode == EXIT_CONFIG
    lines = [line for line in done.stderr.splitlines() if "configuration error" in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("is-claude-down: configuration error: DATABASE_URL: cannot open ")
    assert says in lines[0]
    assert "Traceback" not in done.stderr
    others = done.stderr.splitlines()[:-1]  # the error is the last line; before it, INFO only
    assert done.stderr.splitlines()[-1] == lines[0]
    assert all(" INFO " in line for line in others), done.stderr


def test_a_postgresql_url_without_its_driver_names_the_extra(tmp_path: Path) -> None:
    """A plain ``pip install .`` has no PostgreSQL driver; here the import is blocked."""
    blocked = (
        "import sys; sys.modules['asyncpg'] = None; from bot.cli.main import main; "
        "sys.exit(main(['watch']))"
    )
    env = bot_env(DATABASE_URL="postgresql://postgres@127.0.0.1/bot")
    done = subprocess.run(
        [sys.executable, "-c", blocked],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == EXIT_CONFIG
    assert done.stderr.strip() == (
        "is-claude-down: configuration error: DATABASE_URL: PostgreSQL needs the asyncpg "
        f"driver, which is not installed: {POSTGRES_EXTRA}"
    )


def test_status_with_a_code_says_what_it_means_when_the_page_cannot_be_read(
    tmp_path: Path,
) -> None:
    done = run(
        ["status", "--code", "503", "--since", "12"],
        bot_env(STATUS_PAGE_URL=closed_url()),
        tmp_path,
    )
    assert done.returncode == 3
    assert "HTTP 503 is a server-side error" in done.stdout
    assert "wait 2–5 minutes and retry" in done.stdout
    plain = run(["status"], bot_env(STATUS_PAGE_URL=closed_url()), tmp_path)
    assert "server-side" not in plain.stdout


def test_terminal_advice_uses_the_commands_of_the_terminal(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    statuspage.set_summary("summary-operational.json")
    env = bot_env(STATUS_PAGE_URL=statuspage.url)
    done = run(["status", "--code", "503"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "`is-claude-down report 503`" in done.stdout
    assert " `report 503`" not in done.stdout
    clear = run(["status"], env, tmp_path)
    assert "`is-claude-down status --code 503 --since 12`" in clear.stdout


@pytest.mark.parametrize(
    ("command", "wanted"),
    [
        ("watch", ["POLL_INTERVAL_SECONDS", "STATUS_PAGE_URL", "exit codes:", "78", "Ctrl-C"]),
        ("serve", ["PORT", "DISCORD_BOT_TOKEN", "/slack/install", "/healthz", "exit codes:"]),
        ("config", [v.name for v in VARIABLES] + ["exit codes:", "78", "_FILE"]),
        ("status", ["exit codes:", "3 unknown", "--code", "--since"]),
    ],
)
def test_help_says_what_a_command_does_its_variables_and_exit_codes(
    tmp_path: Path, command: str, wanted: list[str]
) -> None:
    done = run([command, "--help"], bot_env(), tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: is-claude-down {command}")
    missing = [word for word in wanted if word not in done.stdout]
    assert missing == [], done.stdout


def test_a_bad_option_shows_its_own_commands_usage(tmp_path: Path) -> None:
    done = run(["status", "--bogus"], bot_env(), tmp_path)
    assert done.returncode == 64
    assert done.stderr.startswith("usage: is-claude-down status [-h] [--code CODE]")
    assert "unrecognized arguments: --bogus" in done.stderr


def test_a_fast_demo_does_not_promise_zero_seconds(tmp_path: Path) -> None:
    done = run(["demo", "--speed", "50"], bot_env(), tmp_path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert "0 s" not in first
    assert first.startswith("Replaying a recorded incident in a moment.")


def test_serve_with_discord_unreachable_answers_http_at_once_without_noise(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        STATUS_PAGE_URL=statuspage.url,
        PORT=str(port),
        HOST="127.0.0.1",
        DISCORD_BOT_TOKEN="not.a.token",
        DISCORD_API_URL=f"{closed_url()}/api/v10",
    )
    bot = BotProcess(["serve"], env, tmp_path)
    try:
        bot.wait_for(lambda: any("listening on" in line for line in bot.stderr), what="listen")
        retries = [line for line in bot.stderr if "cannot reach Discord" in line]
        assert len(retries) <= 1  # the server listened before the first retry's wait
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        bot.wait_for(
            lambda: sum("cannot reach Discord" in line for line in bot.stderr) >= 2,
            what="a second login attempt",
        )
        time.sleep(0.2)
        assert bot.terminate() == 0
    finally:
        bot.close()
    log = "\n".join(bot.stderr)
    for noise in ("Unclosed", "PyNaCl", "davey", "voice", "Traceback"):
        assert noise not in log, log
    retries = [line for line in bot.stderr if "cannot reach Discord" in line]
    assert all(re.search(r"; retrying in \d+ s$", line) for line in retries), retries
    assert "retrying in 2 s" in retries[0]
    assert "retrying in 4 s" in retries[1]
