"""The status line's text and its cache: what is printed from a fresh, a stale or no cache."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli.client import load_client_config
from bot.cli.statusline import current_line, line, read_cache, write_cache

NOW = 1_800_000_000.0
BOT = "http://127.0.0.1:9"  # nothing listens on the discard port: a refresh would fail


def entry(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "source": BOT,
        "fetched_at": NOW - 5,
        "tried_at": NOW - 5,
        "verdict": "operational",
        "incident": None,
        "more_incidents": 0,
        "reports": 0,
        "codes": [],
    }
    return base | overrides


def test_operational_is_one_word() -> None:
    assert line(entry(), NOW) == "Claude: operational"


def test_an_incident_with_its_age_and_the_reports() -> None:
    text = line(
        entry(
            verdict="outage",
            incident={"name": "Elevated errors on Claude Opus", "started_at": NOW - 23 * 60},
            more_incidents=1,
            reports=3,
            codes=["529"],
        ),
        NOW,
    )
    assert text == (
        "Claude: outage · Elevated errors on Claude Opus (23 min) +1 more · "
        "3 people hit 529 in 10 min"
    )


def test_feed_text_cannot_reach_the_terminal_as_escapes_or_lines() -> None:
    name = "\x1b]0;owned\x07Outage\x1b[2J\nsecond line" + "x" * 200
    text = line(entry(verdict="outage", incident={"name": name, "started_at": None}), NOW)
    assert "\x1b" not in text
    assert "\n" not in text
    assert "[2J" not in text
    assert len(text) < 100


def test_stale_says_how_old() -> None:
    text = line(entry(fetched_at=NOW - 6 * 60), NOW, stale=True)
    assert text == "Claude: operational · stale 6 min"


def test_colour_marks_the_verdict_only() -> None:
    assert line(entry(verdict="outage"), NOW, colour=True) == "\x1b[31mClaude: outage\x1b[0m"


def test_never_read_is_status_unknown() -> None:
    assert line(None, NOW) == "Claude: status unknown"
    assert line(entry(fetched_at=None), NOW, stale=True) == "Claude: status unknown"


def test_a_fresh_cache_is_printed_without_a_request(tmp_path: Path) -> None:
    path = tmp_path / "statusline.json"
    write_cache(path, entry(verdict="degraded"))
    config = load_client_config({"IS_CLAUDE_DOWN_URL": BOT})
    assert current_line(config, path, NOW) == "Claude: degraded"
    assert json.loads(path.read_text())["tried_at"] == NOW - 5  # untouched: nothing was tried


def test_a_failed_try_is_not_repeated_within_the_cache_time(tmp_path: Path) -> None:
    path = tmp_path / "statusline.json"
    write_cache(path, entry(fetched_at=NOW - 600, tried_at=NOW - 10))
    config = load_client_config({"IS_CLAUDE_DOWN_URL": BOT, "STATUSLINE_CACHE_SECONDS": "30"})
    assert current_line(config, path, NOW) == "Claude: operational · stale 10 min"
    assert json.loads(path.read_text())["tried_at"] == NOW - 10


def test_a_failed_refresh_keeps_the_last_line_marked_stale(tmp_path: Path) -> None:
    path = tmp_path / "statusline.json"
    write_cache(path, entry(fetched_at=NOW - 120, tried_at=NOW - 120))
    config = load_client_config(
        {"IS_CLAUDE_DOWN_URL": BOT, "STATUS_PAGE_URL": BOT, "STATUSLINE_CACHE_SECONDS": "30"}
    )
    assert current_line(config, path, NOW) == "Claude: operational · stale 2 min"
    saved = json.loads(path.read_text())
    assert saved["tried_at"] == NOW
    assert saved["fetched_at"] == NOW - 120


def test_another_bots_cache_is_not_shown(tmp_path: Path) -> None:
    path = tmp_path / "statusline.json"
    write_cache(path, entry(source="https://another-bot.example"))
    assert read_cache(path, BOT) is None


def test_a_broken_cache_file_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "statusline.json"
    wrong_time = json.dumps({"source": BOT, "fetched_at": "yesterday"})
    for text in ("{", "[]", wrong_time):
        path.write_text(text)
        assert read_cache(path, BOT) is None
