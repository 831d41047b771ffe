"""Which Claude Code ``StopFailure`` inputs ``hook`` reports, read from real-shaped hook JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.hook import server_failure

FIXTURES = Path(__file__).parents[2] / "fixtures" / "claude_code"


def hook_input(name: str) -> object:
    return json.loads((FIXTURES / f"stop-failure-{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("server-error-529", "529"),
        ("server-error-500", "500"),
        ("server-error-bare", None),
        ("unknown-timeout", "timeout"),
        ("contract-shape-529", "529"),
    ],
)
def test_server_side_failures_are_reported_with_their_code(name: str, code: str | None) -> None:
    assert server_failure(hook_input(name)) == (True, code)


@pytest.mark.parametrize(
    "name",
    [
        "rate-limit",
        "authentication-failed",
        "billing-error",
        "invalid-request",
        "max-output-tokens",
        "unknown-429",
        "unknown-connection",
    ],
)
def test_the_users_own_errors_are_not_reported(name: str) -> None:
    assert server_failure(hook_input(name)) == (False, None)


def test_a_rate_limit_stays_the_users_own_even_when_its_text_says_529() -> None:
    payload = {"hook_event_name": "StopFailure", "error": "rate_limit", "error_details": "529"}
    assert server_failure(payload) == (False, None)


def test_overloaded_in_words_is_a_529() -> None:
    payload = {
        "hook_event_name": "StopFailure",
        "error": "unknown",
        "last_assistant_message": "API Error: Overloaded",
    }
    assert server_failure(payload) == (True, "529")


def test_an_error_that_is_a_symptom_word_is_read_as_one() -> None:
    assert server_failure({"hook_event_name": "StopFailure", "error": "overloaded"}) == (
        True,
        "529",
    )


def test_numbers_inside_names_are_not_codes() -> None:
    payload = {
        "hook_event_name": "StopFailure",
        "error": "unknown",
        "error_details": "model claude-opus-4-500 v2.503 not available",
    }
    assert server_failure(payload) == (False, None)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "server_error",
        42,
        {},
        {"hook_event_name": "Stop", "error": "server_error"},
        {"hook_event_name": "StopFailure", "error": 529},
        {"hook_event_name": "StopFailure", "error": {"type": "server_error"}},
        {"hook_event_name": ["StopFailure"], "error": "server_error"},
    ],
)
def test_unexpected_input_is_ignored(payload: object) -> None:
    assert server_failure(payload) == (False, None)
