"""Counting clients' reports, the sentence answers say, and the early-warning signal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.detect.client_reports import (
    REPORTS_SCOPE,
    ClientReport,
    ClientReports,
    summarize,
    warning_signal,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def report(
    reporter: str, minutes_ago: float, code: str | None = "529", source: str = "claude-code"
) -> ClientReport:
    return ClientReport(reporter, code, source, NOW - timedelta(minutes=minutes_ago))


def test_each_reporter_once_codes_most_seen_first() -> None:
    reports = [
        report("a", 1, "500"),
        report("b", 2),
        report("c", 3),
        report("a", 4),
        report("old", 30),
    ]
    counted = summarize(reports, NOW - timedelta(minutes=10))
    assert counted == ClientReports(3, ("529", "500"), ("claude-code",))
    assert counted.to_json() == {
        "last_10_minutes": 3,
        "from": ["claude-code"],
        "codes": ["529", "500"],
    }


def test_the_sentence_names_claude_code_only_when_every_report_came_from_it() -> None:
    assert (
        ClientReports(3, ("529",), ("claude-code",)).sentence()
        == "3 people's Claude Code hit 529 in the last 10 minutes"
    )
    assert (
        ClientReports(1, ("529", "500"), ("claude-code",)).sentence()
        == "1 person's Claude Code hit 529 or 500 in the last 10 minutes"
    )
    assert (
        ClientReports(2, (), ("claude-code", "cli")).sentence()
        == "2 people hit server errors in the last 10 minutes"
    )


def test_the_warning_needs_enough_people_after_the_last_problem() -> None:
    reports = [report("a", 1), report("b", 2), report("c", 8)]
    signal = warning_signal(reports, NOW, None, 3)
    assert signal is not None
    assert signal.scope == REPORTS_SCOPE
    assert signal.detail == (
        "3 people's Claude Code hit 529 in the last 10 minutes, and the status page shows "
        "nothing yet."
    )
    assert warning_signal(reports, NOW, NOW - timedelta(minutes=5), 3) is None
    assert warning_signal(reports, NOW, None, 4) is None
    assert warning_signal(reports, NOW, None, 0) is None
