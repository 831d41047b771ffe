"""Reports from developers' clients (Claude Code's hook, ``is-claude-down report``): how many
people's Claude Code failed lately. Pure: handed the stored reports and the times.

They count for the whole bot (every channel, not one chat team), each person once however often
their hook fires. The early warning counts only the reports since the page last showed a
problem (older ones were about that problem, not news). A report never changes the verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.detect.early_warning import Signal
from bot.wording.signals import clients_failing

REPORTS_SCOPE: Final = "reports"
"""The early-warning scope of client reports: everyone's, like the probe's."""
WINDOW: Final = timedelta(minutes=10)
CLAUDE_CODE: Final = "claude-code"


@dataclass(frozen=True)
class ClientReport:
    """One stored report: an anonymous reporter id, the code they saw, where it came from."""

    reporter: str
    code: str | None
    source: str
    at: datetime


@dataclass(frozen=True)
class ClientReports:
    """The last ``WINDOW``'s reports, counted: ``codes`` most seen first."""

    people: int = 0
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The status JSON's ``reports`` key."""
        return {
            "last_10_minutes": self.people,
            "from": list(self.sources),
            "codes": list(self.codes),
        }

    def sentence(self) -> str:
        """``3 people's Claude Code hit 529 in the last 10 minutes``."""
        return clients_failing(self.people, self.codes, self.sources == (CLAUDE_CODE,))


def summarize(reports: Iterable[ClientReport], since: datetime) -> ClientReports:
    """The reports from ``since`` on, each reporter once."""
    people: set[str] = set()
    codes: Counter[str] = Counter()
    sources: set[str] = set()
    for report in reports:
        if report.at < since:
            continue
        people.add(report.reporter)
        sources.add(report.source)
        if report.code:
            codes[report.code] += 1
    ranked = tuple(code for code, _ in sorted(codes.items(), key=lambda c: (-c[1], c[0])))
    return ClientReports(len(people), ranked, tuple(sorted(sources)))


def warning_signal(
    reports: Iterable[ClientReport],
    now: datetime,
    last_problem_at: datetime | None,
    needed: int,
) -> Signal | None:
    """The early-warning signal when ``needed`` people (0: never) reported in the window, all
    after the page's last problem."""
    if needed <= 0:
        return None
    since = now - WINDOW
    if last_problem_at is not None:
        since = max(since, last_problem_at)
    counted = summarize(reports, since)
    if counted.people < needed:
        return None
    return Signal(REPORTS_SCOPE, f"{counted.sentence()}, and the status page shows nothing yet.")
