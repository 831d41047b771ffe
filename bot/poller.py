"""One poll: fetch -> build the snapshot -> detect -> persist (one transaction) -> swap the view.

A failed read changes nothing but the feed-health record: the last good state is kept, and
after a few failures in a row one "feed lost" notice is queued. Nothing here is ever resolved
because the feed went quiet: only the feed saying "resolved" resolves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from bot.clock import Clock
from bot.detect import changes, early_warning, feed_health
from bot.detect.client_reports import ClientReports
from bot.detect.early_warning import WarningState
from bot.detect.events import Event, to_payload
from bot.detect.feed_health import FeedHealth
from bot.detect.view import StatusView
from bot.metrics import COMPONENT_LEVELS, INDICATOR_LEVELS, Metrics
from bot.notify import compose, digest, routing
from bot.notify.teams import Teams
from bot.signals.gather import STATE_KEY, SignalGatherer
from bot.statuspage import components
from bot.statuspage.client import FeedClient, FeedError, Fetched
from bot.statuspage.models import Incident, IncidentList, MaintenanceList
from bot.statuspage.snapshot import Snapshot, build_snapshot, needs_history
from bot.store import Store

log = logging.getLogger(__name__)
DocT = TypeVar("DocT", IncidentList, MaintenanceList)


@dataclass(frozen=True)
class PollResult:
    ok: bool
    events: tuple[Event, ...]
    queued: int


def _recent_incidents(snapshot: Snapshot | None) -> tuple[Incident, ...]:
    """The feed's incidents, recent history and those in the summary (just resolved ones
    included): what a new incident may come back from."""
    if snapshot is None:
        return ()
    by_id = {i.id: i for i in snapshot.recent_incidents}
    by_id.update((i.id, i) for i in snapshot.incidents)
    return tuple(by_id.values())


class Poller:
    def __init__(
        self,
        store: Store,
        feed: FeedClient,
        *,
        source: str,
        lost_after: int,
        clock: Clock,
        metrics: Metrics,
        on_queued: Callable[[], None] = lambda: None,
        default_components: Sequence[str] = (),
        mark_test: bool = False,
        warnings: SignalGatherer | None = None,
        teams: Teams | None = None,
    ) -> None:
        self._store = store
        self._feed = feed
        self._source = source
        self._lost_after = lost_after
        self._clock = clock
        self._metrics = metrics
        self._on_queued = on_queued
        self._default_names = tuple(default_components)
        self._checked_defaults = False
        self._mark_test = mark_test
        self.warnings = warnings
        self.teams = teams or Teams()
        """The team of each static channel, as the adapters learn it (for team warnings)."""
        self._warning_state: WarningState | None = None
        self._snapshot: Snapshot | None = None
        self._health = FeedHealth()
        self.view = StatusView(source=source, snapshot=None, readable=False)
        self.polled_once = False
        self.after_poll: list[Callable[[StatusView], None]] = []
        """Told the new view after each poll, before its notices go out (``watch``'s
        first line)."""

    async def load(self) -> None:
        """Pick up where the last run stopped (a restart mid-incident repeats nothing)."""
        self._snapshot = await self._store.load_snapshot()
        self._health = await self._store.load_health()
        if self.warnings is not None:
            await self.warnings.load()
        self._swap_view()

    async def refresh(self) -> None:
        """Another replica polls: take the state it wrote, so answers here match its view."""
        await self.load()
        if self.warnings is not None:
            await self.warnings.read_client_reports(self._clock())
            self._swap_view()
        if self._snapshot is not None:
            self.polled_once = True

    async def poll(self) -> PollResult:
        started = time.perf_counter()
        try:
            return await self._poll()
        finally:
            self._metrics.poll_seconds.observe(time.perf_counter() - started)

    async def _poll(self) -> PollResult:
        now = self._clock()
        try:
            snapshot = await self._read(now)
        except FeedError as error:
            self._metrics.polls.labels("error").inc()
            self._metrics.feed_errors.labels(error.kind).inc()
            log.warning(
                "feed read failed (%d in a row): %s", self._health.consecutive_failures + 1, error
            )
            health, events = feed_health.after_failure(
                self._health, str(error), now, self._lost_after
            )
            return await self._commit(None, health, events)
        self._metrics.polls.labels("ok").inc()
        health, events = feed_health.after_success(self._health, now)
        if snapshot is None:  # a stale copy: the feed answered, but nothing to learn from it
            return await self._commit(None, health, events)
        events += changes.detect(self._snapshot, snapshot)
        events += await self._early_warnings(snapshot, now)
        return await self._commit(snapshot, health, events)

    async def _early_warnings(self, snapshot: Snapshot, now: datetime) -> list[Event]:
        """Only on a good read: with the page unreadable we cannot tell "not posted yet"
        from "our own network is down", so nothing is raised or cleared then."""
        if self.warnings is None:
            return []
        page = StatusView(self._source, snapshot, readable=True)
        state, events = early_warning.step(
            self.warnings.state,
            await self.warnings.signals(now),
            page.open_incidents,
            page.has_known_problem,
            now,
        )
        self._warning_state = state
        return list(events)

    async def _read(self, now: datetime) -> Snapshot | None:
        fetched = await self._feed.summary()
        summary = fetched.document
        if fetched.changed:
            self._metrics.feed_bytes.inc(fetched.nbytes)
        else:
            self._metrics.not_modified.inc()
        previous = self._snapshot
        if previous is not None and summary.page.updated_at < previous.page.updated_at:
            log.warning("the feed served an older page than the last one seen; ignoring it")
            return None
        lost_incident, lost_maintenance = needs_history(previous, summary)
        incidents = None
        if fetched.changed or lost_incident:
            incidents = await self._history(self._feed.incidents)
        maintenances = await self._history(self._feed.maintenances) if lost_maintenance else None
        return build_snapshot(previous, summary, incidents, maintenances, now)

    async def _history(self, read: Callable[[], Awaitable[Fetched[DocT]]]) -> DocT | None:
        """A history document is a help, not a must: without it, what left the summary is
        kept as it was (open), never guessed resolved."""
        try:
            fetched = await read()
        except FeedError as error:
            self._metrics.feed_errors.labels(error.kind).inc()
            log.warning("history read failed, keeping what left the summary as it was: %s", error)
            return None
        return fetched.document

    async def _commit(
        self, snapshot: Snapshot | None, health: FeedHealth, events: list[Event]
    ) -> PollResult:
        now = self._clock()
        if snapshot is None and self.warnings is not None:
            # No signals were read (the page unreadable, or a stale copy), but the clients'
            # count shown in answers still moves on: reports expire, new ones arrive.
            await self.warnings.read_client_reports(now)
        # Digests first: a channel whose quiet hours ended hears what it missed (as of the
        # last poll) before this poll's notices, which then follow in the usual threads.
        released = await self._release_quiet_hours(now)
        subscriptions = await self._store.active_subscriptions()
        # The demo's notices are composed as tests: every one says so.
        composed = compose.notices_for(
            events, self._source, is_test=self._mark_test, recent=_recent_incidents(snapshot)
        )
        announced = await self._store.announced(routing.incident_threads(composed, subscriptions))
        deliveries = routing.deliveries(
            composed, subscriptions, self.default_component_ids(), self.teams, announced, now
        )
        queued = await self._store.commit_poll(
            snapshot=snapshot,
            health=health,
            events=[(e.id, type(e).__name__, to_payload(e)) for e in events],
            deliveries=deliveries,
            now=now,
            extra_state=self._pending_warning_state(),
        )
        # Only after the transaction: memory never runs ahead of the database.
        if snapshot is not None:
            self._snapshot = snapshot
        if self.warnings is not None and self._warning_state is not None:
            self.warnings.state, self._warning_state = self._warning_state, None
        self._health = health
        self.polled_once = True
        self._swap_view()
        self._check_default_components()
        for listener in self.after_poll:
            listener(self.view)
        for event in events:
            self._metrics.events.labels(type(event).__name__).inc()
            self._metrics.count_warning(event)
            log.debug("event %s", event.id)
        queued += released
        if queued:
            self._on_queued()
        return PollResult(ok=health.consecutive_failures == 0, events=tuple(events), queued=queued)

    async def _release_quiet_hours(self, now: datetime) -> int:
        """Channels whose quiet hours ended get their digest (their held notices, told once)."""
        still_open = self._snapshot.open_incidents if self._snapshot is not None else ()
        return await self._store.release_held(
            now, lambda held: digest.digests(held, still_open, now)
        )

    def _pending_warning_state(self) -> dict[str, object] | None:
        if self._warning_state is None:
            return None
        return {STATE_KEY: self._warning_state.to_json()}

    def _check_default_components(self) -> None:
        """Say once, after the first good read, which ``COMPONENTS`` names match nothing."""
        if self._checked_defaults or self._snapshot is None:
            return
        self._checked_defaults = True
        _, missing = components.resolve(self._default_names, self.view.components)
        for name in missing:
            log.warning("COMPONENTS: %s", name.explain(self.view.components))

    def default_component_ids(self) -> frozenset[str]:
        """``COMPONENTS`` as ids on the page as last read."""
        return components.ids_for(self._default_names, self.view.components)

    def show_client_reports(self, reports: ClientReports) -> None:
        """A client's report just came in here: answers say the new count at once, not at the
        next poll."""
        if self.warnings is not None and self.warnings.client_reports is not None:
            self.warnings.client_reports = reports
            self.view = replace(self.view, client_reports=reports)

    def _swap_view(self) -> None:
        readable = self._snapshot is not None and not self._health.is_lost(self._lost_after)
        self.view = StatusView(
            source=self._source,
            snapshot=self._snapshot,
            readable=readable,
            last_error=self._health.last_error,
            consecutive_failures=self._health.consecutive_failures,
            api_unreachable=self.warnings.api_unreachable() if self.warnings else False,
            client_reports=self.warnings.client_reports if self.warnings else None,
            community=self.warnings.community() if self.warnings else (),
        )
        self._metrics.feed_readable.set(1 if readable else 0)
        if self._snapshot is not None:
            indicator = self._snapshot.status.indicator
            self._metrics.indicator.set(INDICATOR_LEVELS.get(indicator, -1))
            self._metrics.open_incidents.set(len(self._snapshot.open_incidents))
            for c in self._snapshot.leaf_components:
                self._metrics.component_status.labels(c.name).set(
                    COMPONENT_LEVELS.get(c.status, -1)
                )
