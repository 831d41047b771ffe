"""The outage words, on real titles: what people post on r/ClaudeAI and in
anthropics/claude-code when the API fails, and ordinary titles that must not count."""

from __future__ import annotations

import re

import pytest

from bot.detect.outage_words import TERMS, is_about_errors

ABOUT_ERRORS = [
    "API Error: 529 Overloaded",
    "Is Claude down?",
    "Claude Code keeps saying 500 Internal server error",
    '[BUG] API Error: 529 {"type":"error","error":{"type":"overloaded_error",'
    '"message":"Overloaded"}}',
    'API Error: 500 {"type":"error","error":{"type":"api_error",'
    '"message":"Internal server error"}}',
    "Claude down for anyone else?",
    "Claude is down again",
    "Sonnet 4.5 down?",
    "claude.ai went down mid-conversation",
    "Error 503 on every request since this morning",
    "Getting HTTP 502 bad gateway from the API",
    "Overloaded errors all morning",
    "API Error (Request timed out.)",
    "API Error: Connection error.",
    "Claude Code not responding after the update",
    'Anyone else getting "Claude is currently unavailable"?',
    "Outage?",
    "Due to unexpected capacity constraints, Claude is unable to respond to your message",
    "Elevated errors on Opus: degraded for an hour",
    "503 Service Unavailable from api.anthropic.com",
    "upstream connect error or disconnect/reset before headers",
    "504 Gateway Timeout on long requests",
    "Claude Code outages this week",
]
NOT_ABOUT_ERRORS = [
    "Claude Code helped me write my thesis",
    "Rate limit hit: 429 after 10 messages",
    "API Error: 429 rate_limit_error",
    "API Error: 400 invalid_request_error",
    "401 authentication_error with my new key",
    "How do I handle errors in my Python code?",
    "Downloaded the Claude desktop app on Linux",
    "I wrote 500 lines of Rust with Claude today",
    "Claude wrote a 503-word essay",
    "Opus is down-right amazing at refactoring",
    "Thumbs down on the new UI",
    "Shutdown hook docs are confusing",
    "Slow down the streaming, please",
    "Feature request: vim keybindings",
    "My top 5 MCP servers",
]


@pytest.mark.parametrize("title", ABOUT_ERRORS)
def test_titles_about_errors_count(title: str) -> None:
    assert is_about_errors(title)


@pytest.mark.parametrize("title", NOT_ABOUT_ERRORS)
def test_ordinary_titles_do_not(title: str) -> None:
    assert not is_about_errors(title)


def test_only_the_exact_messages_and_codes_count_in_the_text() -> None:
    template = "### What's wrong?\nThe MCP server is not working. Steps: ... timed out once."
    assert not is_about_errors("Question about hooks", template)
    assert is_about_errors("Question about hooks", 'I keep getting {"type":"overloaded_error"}')
    assert is_about_errors("Help", "Every call answers API Error: 529")


def test_every_term_matches_one_of_the_titles_above() -> None:
    """No dead term: each one is exercised by a real title."""
    for term in TERMS:
        assert any(re.search(term.pattern, t, re.IGNORECASE) for t in ABOUT_ERRORS), term
