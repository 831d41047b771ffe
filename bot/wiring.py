"""The composition root: ``build_app`` makes every piece from ``Settings`` and wires them
together (feed, store, poller, dispatcher, schedule, HTTP routes, the core and the chat adapters
it finds), into a ``BotApp`` that starts nothing until asked."""

from __future__ import annotations

import logging

import httpx

from bot import reports_route
from bot.api import Adapter, discover
from bot.app import BotApp, Mode
from bot.clock import Clock, utc_now
from bot.conversation import Core
from bot.detect import feed_health
from bot.detect.client_reports import ClientReports
from bot.dispatcher import Dispatcher
from bot.leader import PollerLease
from bot.metrics import Metrics
from bot.notify.ports import ChatAdapter
from bot.poller import Poller
from bot.schedule import PollSchedule
from bot.settings import Settings
from bot.signals.community.setup import community_watch
from bot.signals.gather import SignalGatherer
from bot.signals.probe import Prober
from bot.statuspage.client import FeedClient
from bot.store import Store
from bot.variables import CHAT_SWITCHES
from bot.web import create_app

log = logging.getLogger(__name__)


def build_app(
    settings: Settings,
    mode: Mode,
    clock: Clock = utc_now,
    feed_transport: httpx.AsyncBaseTransport | None = None,
) -> BotApp:
    """Everything wired, nothing started. Must be called inside the running event loop.
    ``feed_transport`` replaces the network under the feed client (the demo's recording)."""
    metrics = Metrics()
    store = Store.open(settings.database_url)
    feed = FeedClient(
        settings.status_page_url,
        settings.feed_timeout_seconds,
        feed_transport,
        poll_interval=settings.poll_interval_seconds,
    )
    deliveries: dict[str, ChatAdapter] = {}
    dispatcher = Dispatcher(store, deliveries, clock, metrics)
    prober = None
    if settings.probe != "off" and mode != "demo":
        key = settings.anthropic_api_key if settings.probe == "key" else None
        prober = Prober(settings.probe_url, key, timeout=settings.feed_timeout_seconds)
    community = community_watch(settings, store, metrics) if mode != "demo" else None
    warnings = SignalGatherer(
        store,
        settings.early_warning_reports if mode != "demo" else 0,
        (lambda: prober.health) if prober is not None else None,
        clients_report=settings.report_token is not None and mode == "serve",
        community=(lambda: community.reports) if community is not None else None,
    )
    poller = Poller(
        store,
        feed,
        source=settings.status_page_url,
        lost_after=feed_health.LOST_AFTER_FAILURES,
        clock=clock,
        metrics=metrics,
        on_queued=dispatcher.wake,
        default_components=settings.components,
        mark_test=mode == "demo",
        warnings=warnings,
    )
    lease = PollerLease(store.engine)

    async def tick() -> None:
        if await lease.acquire():
            holder["app"].became_poller()
            await poller.poll()
        else:
            await poller.refresh()

    schedule = PollSchedule(tick, settings.poll_interval_seconds)
    holder: dict[str, BotApp] = {}

    async def ready() -> bool:
        return await holder["app"].ready()

    web_app = create_app(
        settings,
        view=lambda: poller.view,
        ready=ready,
        poll_now=schedule.poll_now,
        metrics=metrics,
        clock=clock,
    )
    core = Core(
        settings, store, poller, web_app, clock, metrics, dispatcher.wake, schedule.poll_now
    )
    if mode == "serve":

        def on_reports(reports: ClientReports, counted: bool) -> None:
            poller.show_client_reports(reports)
            if counted:
                schedule.poll_now()  # enough reports may raise the early warning: look now

        reports_route.add_route(
            web_app,
            token=settings.report_token,
            store=store,
            clock=clock,
            metrics=metrics,
            verdict=lambda: poller.view.verdict.value,
            on_reports=on_reports,
        )
    adapters = _build_adapters(settings, core, mode)
    for adapter in adapters:
        deliveries.update(adapter.deliveries())
    app = BotApp(
        settings,
        mode,
        store,
        feed,
        poller,
        dispatcher,
        schedule,
        lease,
        core,
        web_app,
        metrics,
        prober,
        community,
        adapters,
        clock,
    )
    holder["app"] = app
    return app


def _build_adapters(settings: Settings, core: Core, mode: Mode) -> list[Adapter]:
    factories = discover(None if mode != "watch" else ["console"])
    console = factories.pop("console", None)
    adapters: list[Adapter] = []
    if mode != "watch":
        for name, factory in sorted(factories.items()):
            adapter = factory(settings, core)
            if adapter is not None:
                adapters.append(adapter)
                log.info("%s is on", name)
            elif mode == "serve":
                switch = CHAT_SWITCHES.get(name, "set its variables")
                log.info("%s is off: %s to turn it on", name, switch)
    if console is not None and (mode != "serve" or not adapters):
        built = console(settings, core)
        if built is not None:
            adapters.append(built)
    return adapters
