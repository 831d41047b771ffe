"""The running bot: ``BotApp`` holds the pieces ``bot.wiring.build_app`` made and starts and stops
them in one event loop.

Start-up order: database (migrations), last state, HTTP server, adapters, dispatcher, then the
schedule (first poll at once). Shutdown is the reverse, each step bounded in time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from bot.api import Adapter, PollerAware
from bot.clock import Clock, utc_now
from bot.conversation import Core
from bot.dispatcher import Dispatcher
from bot.leader import PollerLease
from bot.metrics import Metrics
from bot.notify import routing
from bot.notify.deliveries import Subscription
from bot.notify.ports import Target
from bot.poller import Poller
from bot.schedule import PollSchedule
from bot.settings import Settings
from bot.signals.community.watch import CommunityWatch
from bot.signals.probe import Prober
from bot.statuspage.client import FeedClient
from bot.store import Store
from bot.store.problems import DatabaseUnusable, describe

log = logging.getLogger(__name__)
Mode = Literal["watch", "serve", "demo"]
"""``demo``: like ``serve`` without the HTTP server and the schedule; the caller drives polls."""
CONSOLE_TARGET = Target(platform=routing.CONSOLE, channel="stdout")
STOP_DEADLINE_SECONDS = 25.0
COMMUNITY_TICK_SECONDS = 5.0
"""How often the community pacers are asked whether a read is due (each keeps its interval)."""


@dataclass
class BotApp:
    settings: Settings
    mode: Mode
    store: Store
    feed: FeedClient
    poller: Poller
    dispatcher: Dispatcher
    schedule: PollSchedule
    lease: PollerLease
    core: Core
    web_app: web.Application
    metrics: Metrics
    prober: Prober | None
    community: CommunityWatch | None = None
    adapters: list[Adapter] = field(default_factory=list)
    clock: Clock = utc_now
    port: int | None = None
    _runner: web.AppRunner | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _started: bool = False

    async def start(self) -> None:
        """Raises ``DatabaseUnusable``, with everything closed again, when the database
        cannot be reached or opened: nothing else has started then. (A schema newer than
        this version fails in ``migrate``, as any other start-up error.)"""
        try:
            async with self.store.engine.connect():
                pass
        except Exception as error:  # any driver's refusal: the database cannot be used
            log.debug("cannot connect to the database", exc_info=True)
            await self._close_connections()
            raise DatabaseUnusable(describe(self.settings.database_url, error)) from error
        await self.store.migrate()
        if not self.store.shared:
            await self.store.release_claims()  # left by a crash of this single process
        if self.community is not None:  # the standings kept in the database, before any read
            await self.community.refresh(self.clock())
        await self.poller.load()
        await self.core.load()
        await self._sync_static_targets()
        if self.mode == "serve":  # first: /healthz answers while a chat platform is slow
            await self._listen()
        for adapter in self.adapters:
            if self.store.shared and isinstance(adapter, PollerAware):
                adapter.follow_poller()
            await adapter.start()
            log.debug("adapter %s started", adapter.name)
        self._tasks.append(asyncio.create_task(self.dispatcher.run(), name="dispatcher"))
        if self.prober is not None:
            self._tasks.append(asyncio.create_task(self._probe_forever(), name="probe"))
        if self.community is not None and self.mode != "demo":
            self._tasks.append(asyncio.create_task(self._read_community(), name="community"))
        if self.mode != "demo":
            self.schedule.start()
        self._started = True
        log.info(
            "watching %s every %gs",
            self.settings.status_page_url,
            self.settings.poll_interval_seconds,
        )

    async def _listen(self) -> None:
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        log.info("listening on http://%s:%s", self.settings.host, self.port)

    async def stop(self) -> None:
        """Finish the poll and the deliveries in flight, then close everything, all within
        ``STOP_DEADLINE_SECONDS`` (under the 30 s a container or systemd grants). Also after
        a ``start`` that was cancelled midway (Ctrl-C while starting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_DEADLINE_SECONDS

        def left(at_most: float) -> float:
            return max(0.1, min(at_most, deadline - loop.time()))

        await self.schedule.stop(left(10.0))
        if self._started:  # not after a start cut short: the schema may not even exist
            try:
                await self.dispatcher.drain(timeout=left(3.0))
            except Exception:  # the database may be away; what is queued stays queued
                log.warning("could not finish the deliveries in flight", exc_info=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._started:
            await self.dispatcher.close()
            await self.lease.release()
        for adapter in reversed(self.adapters):
            try:
                await asyncio.wait_for(adapter.stop(), left(10.0))
            except Exception:  # keep shutting the rest down
                log.exception("adapter %s did not stop cleanly", adapter.name)
        if self._runner is not None:
            await self._runner.cleanup()
        await self._close_connections()

    async def _close_connections(self) -> None:
        await self.feed.close()
        if self.prober is not None:
            await self.prober.close()
        if self.community is not None:
            await self.community.close()
        await self.store.close()

    def became_poller(self) -> None:
        for adapter in self.adapters:
            if isinstance(adapter, PollerAware):
                adapter.became_poller()

    async def _probe_forever(self) -> None:
        """Probe the API on its own schedule; only the poller's probe feeds the warnings."""
        assert self.prober is not None
        while True:
            if self.lease.held:
                try:
                    await self.prober.probe()
                except Exception:  # a probe bug must not stop the bot
                    log.exception("probe failed")
            await asyncio.sleep(self.settings.probe_interval_seconds)

    async def _read_community(self) -> None:
        """Read the community sources when due (their pacers decide); only the poller reads,
        the other replicas work the standings out from the database."""
        assert self.community is not None
        while True:
            try:
                if self.lease.held:
                    await self.community.read_due(self.clock())
                else:
                    await self.community.refresh(self.clock())
            except Exception:  # a bug or the database away must not stop the bot
                log.exception("reading the community sources failed")
            await asyncio.sleep(COMMUNITY_TICK_SECONDS)

    async def ready(self) -> bool:
        return (
            self.poller.polled_once
            and self.poller.view.snapshot is not None
            and await self.store.ping()
        )

    async def _sync_static_targets(self) -> None:
        targets = [
            Target(ch.platform, ch.channel, ch.workspace) for ch in self.settings.alert_channels
        ]
        if any(a.name == "console" for a in self.adapters):
            targets.append(CONSOLE_TARGET)
        now = utc_now()
        fresh = await self.store.sync_static(targets, now)
        for target in fresh:
            subscription = Subscription(0, target, (), "static", None)
            catch_up = routing.catch_up(
                self.poller.view, subscription, self.poller.default_component_ids()
            )
            await self.store.queue(catch_up, now)
