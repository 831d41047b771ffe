"""The client commands' configuration: lenient, never failing, the token also from a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.client import DEFAULT_CACHE_SECONDS, load_client_config, reporter_id


def test_nothing_set_means_not_configured_with_the_names_missing() -> None:
    config = load_client_config({})
    assert not config.can_report
    assert config.missing() == ["IS_CLAUDE_DOWN_URL", "REPORT_TOKEN"]
    assert config.status_page_url == "https://status.claude.com"
    assert config.cache_seconds == DEFAULT_CACHE_SECONDS


def test_the_token_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("team-token-1234\n")
    config = load_client_config(
        {"IS_CLAUDE_DOWN_URL": "https://bot.example/", "REPORT_TOKEN_FILE": str(tmp_path / "token")}
    )
    assert config.can_report
    assert config.token == "team-token-1234"
    assert config.bot_url == "https://bot.example"


def test_unusable_values_count_as_not_set(tmp_path: Path) -> None:
    config = load_client_config(
        {
            "IS_CLAUDE_DOWN_URL": "bot.example",
            "REPORT_TOKEN_FILE": str(tmp_path / "missing"),
            "STATUSLINE_CACHE_SECONDS": "soon",
        }
    )
    assert config.missing() == ["IS_CLAUDE_DOWN_URL", "REPORT_TOKEN"]
    assert config.cache_seconds == DEFAULT_CACHE_SECONDS


def test_the_reporter_is_a_stable_hash_unless_named() -> None:
    anonymous = load_client_config({}).reporter
    assert anonymous == reporter_id() == load_client_config({}).reporter
    assert anonymous.startswith("anon-")
    assert len(anonymous) == len("anon-") + 16
    named = load_client_config({"REPORTER": "  ci:\x1b[31mnightly  "}).reporter
    assert named == "ci:[31mnightly"
    assert len(load_client_config({"REPORTER": "x" * 500}).reporter) == 128


def test_another_user_on_the_same_host_is_another_reporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "alice")
    alice = reporter_id()
    monkeypatch.setenv("USER", "bob")
    assert reporter_id() != alice
    assert "alice" not in alice
