"""The early-warning signals, read where they live: team reports and clients' reports in the
database, the probe's health and the community standings in memory. The decisions are
``bot.detect.early_warning.step``'s and ``bot.detect.client_reports``'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from bot.detect import client_reports
from bot.detect.client_reports import ClientReports
from bot.detect.community import CommunityReport, is_web_url
from bot.detect.early_warning import PROBE_SCOPE, Signal, WarningState
from bot.signals.probe import Outcome, ProbeHealth
from bot.store import Store
from bot.wording.signals import community_sentence

REPORT_WINDOW: Final = timedelta(minutes=10)
STATE_KEY: Final = "early_warning"


class SignalGatherer:
    def __init__(
        self,
        store: Store,
        reports_needed: int,
        probe_health: Callable[[], ProbeHealth] | None,
        clients_report: bool = False,
        community: Callable[[], tuple[CommunityReport, ...]] | None = None,
    ) -> None:
        """``clients_report``: ``POST /api/reports`` is on (``REPORT_TOKEN``), so clients'
        reports are read, shown in answers and may raise the early warning."""
        self._store = store
        self._reports_needed = reports_needed
        self._probe_health = probe_health
        self._clients_report = clients_report
        self._community = community
        self.state = WarningState()
        self.client_reports: ClientReports | None = ClientReports() if clients_report else None
        """The last 10 minutes' clients' reports as last read (None: the feature is off)."""

    async def load(self) -> None:
        saved = await self._store.load_state(STATE_KEY)
        self.state = WarningState.from_json(saved) if saved else WarningState()

    def community(self) -> tuple[CommunityReport, ...]:
        return self._community() if self._community is not None else ()

    def api_unreachable(self) -> bool:
        if self._probe_health is None:
            return False
        health = self._probe_health()
        return health.last is Outcome.UNREACHABLE or health.failing

    async def signals(self, now: datetime) -> list[Signal]:
        signals: list[Signal] = []
        if self._probe_health is not None:
            health = self._probe_health()
            if health.failing:
                codes = ", ".join(health.last_codes)
                signals.append(
                    Signal(
                        PROBE_SCOPE,
                        f"The API answered {codes} to {health.consecutive_failures} probes in a "
                        "row, and the status page shows nothing yet.",
                    )
                )
        for report in self.community():
            if report.elevated:
                signals.append(_community_signal(report))
        if self._reports_needed > 0:
            since = now - REPORT_WINDOW
            if self.state.last_problem_at is not None:
                since = max(since, self.state.last_problem_at)
            for team in await self._store.teams_reporting(since, self._reports_needed):
                codes = ", ".join(team.codes) if team.codes else "errors"
                signals.append(
                    Signal(
                        f"team:{team.platform}:{team.workspace}",
                        f"{team.people} people on this team reported {codes} in the last 10 "
                        "minutes, and the status page shows nothing yet.",
                    )
                )
        if self._clients_report:
            reports = await self._store.client_reports(now - client_reports.WINDOW)
            self.client_reports = client_reports.summarize(reports, now - client_reports.WINDOW)
            signal = client_reports.warning_signal(
                reports, now, self.state.last_problem_at, self._reports_needed
            )
            if signal is not None:
                signals.append(signal)
        return signals

    async def read_client_reports(self, now: datetime) -> None:
        """Another replica polls: read the count it would see (reports reach any replica)."""
        if self._clients_report:
            since = now - client_reports.WINDOW
            self.client_reports = client_reports.summarize(
                await self._store.client_reports(since), since
            )


def _community_signal(report: CommunityReport) -> Signal:
    return Signal(
        f"community:{report.source}",
        f"{community_sentence(report.label, report.posts_30m, report.usual_30m)}, "
        "and the status page shows nothing yet.",
        tuple((p.title, p.url) for p in report.top if is_web_url(p.url)),
    )
