"""The core as adapters see it: answers typed chat commands from memory and the database.

``answer`` never fetches the feed: the answer comes from the current ``StatusView`` (swapped
after each poll) and, for team reports and subscriptions, from the database.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, assert_never

from bot.answer_cache import StatusAnswers
from bot.api import ChatContext
from bot.ask import grammar
from bot.ask.advisor import advise
from bot.ask.answers import AlertsAnswer, Answer, HelpAnswer, StatusAnswer, TextAnswer
from bot.ask.grammar import (
    Alerts,
    AlertsRefused,
    Ask,
    Command,
    FromMemory,
    Help,
    History,
    Report,
    Subscribe,
    Test,
    ToDatabase,
    Unsubscribe,
)
from bot.ask.history import history_answer
from bot.ask.status import status_answer
from bot.clock import Clock
from bot.detect.events import EarlyWarning
from bot.detect.view import StatusView
from bot.metrics import Metrics
from bot.notify import routing, samples
from bot.notify.deliveries import Delivery, Subscription
from bot.notify.notices import Action
from bot.notify.ports import Target
from bot.preferences import PreferenceChange, applied
from bot.report_counts import ReportCounts
from bot.settings import Settings
from bot.statuspage import components, recording
from bot.store import Store

if TYPE_CHECKING:
    from aiohttp import web
    from prometheus_client import Counter, Histogram
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.poller import Poller

REPORT_WINDOW = timedelta(minutes=30)
TEST_EVERY = timedelta(minutes=1)
TEST_WAIT_SECONDS = 2.0
CANNOT_POST_HINT = (
    "Add me to this channel and let me post here: in Slack `/invite @is-claude-down`; in "
    "Discord give the bot View Channel, Send Messages and Embed Links in this channel."
)
MANAGE_REFUSAL = (
    "Only members who can manage this channel may change its alerts "
    "(in Discord: the Manage Channels permission)."
)


class Core:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        poller: Poller,
        web_app: web.Application,
        clock: Clock,
        metrics: Metrics,
        on_queued: Callable[[], None],
        on_report: Callable[[], None] = lambda: None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._poller = poller
        self._web = web_app
        self._clock = clock
        self._metrics = metrics
        self._on_queued = on_queued
        self._on_report = on_report
        self._reports = ReportCounts(store, clock, REPORT_WINDOW)
        self._answers = StatusAnswers()
        self._counters: dict[str, tuple[Counter, Histogram]] = {}
        """platform -> its answer counter and time histogram (the labelled children)"""

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def view(self) -> StatusView:
        return self._poller.view

    @property
    def web(self) -> web.Application:
        return self._web

    @property
    def engine(self) -> AsyncEngine:
        return self._store.engine

    def component_names(self) -> Sequence[str]:
        return [c.name for c in self.view.components]

    def parse(self, text: str) -> Command:
        return _parsed(text)

    async def answer(self, command: Command, ctx: ChatContext) -> Answer:
        started = time.perf_counter()
        if isinstance(command, FromMemory):
            answer = self._from_memory(command, ctx)
        else:
            answer = await self._with_database(command, ctx)
        self._counted(ctx, started)
        return answer

    def answer_from_memory(self, command: Command, ctx: ChatContext) -> Answer | None:
        if not isinstance(command, FromMemory):
            return None
        started = time.perf_counter()
        answer = self._from_memory(command, ctx)
        self._counted(ctx, started)
        return answer

    def _counted(self, ctx: ChatContext, started: float) -> None:
        counted = self._counters.get(ctx.platform)
        if counted is None:  # prometheus-client's label lookup is a tenth of a status answer
            counted = self._counters[ctx.platform] = (
                self._metrics.answers.labels(ctx.platform),
                self._metrics.answer_seconds.labels(ctx.platform),
            )
        answers, seconds = counted
        answers.inc()
        seconds.observe(time.perf_counter() - started)

    def _from_memory(self, command: FromMemory, ctx: ChatContext) -> Answer:
        match command:
            case Ask():
                return self._ask(command, ctx)
            case History():
                warnings = self._poller.warnings
                past = warnings.state.past if warnings else ()
                return history_answer(self.view, self._clock(), past)
            case AlertsRefused(reason=reason):
                return TextAnswer(reason, ok=False)
            case Help(unknown=unknown):
                return HelpAnswer(grammar.HELP_WORDS, unknown)
            case _:
                assert_never(command)

    async def _with_database(self, command: ToDatabase, ctx: ChatContext) -> Answer:
        match command:
            case Subscribe(components=names):
                return await self._subscribe(names, ctx)
            case Unsubscribe():
                return await self._unsubscribe(ctx)
            case Report(symptom=symptom):
                return await self._report(symptom.label if symptom else None, ctx)
            case Test():
                return await self._test_alert(ctx)
            case Alerts(changes=changes):
                return await self._alerts(changes, ctx)
            case _:
                assert_never(command)

    async def load(self) -> None:
        """Read what answers keep in memory (the report counts) before the first question."""
        await self._reports.read()

    def _ask(self, ask: Ask, ctx: ChatContext) -> StatusAnswer:
        """From memory only: the view, the team's report count and the cached answers."""
        now, shared = self._clock(), self.view
        self._reports.refresh_for(shared)
        reports = self._reports.count(ctx.platform, ctx.workspace, now)
        warning = self._warning_for(ctx)
        view = replace(shared, early_warning=warning) if warning else shared

        def make() -> StatusAnswer:
            return status_answer(view, advise(view, ask.symptom, ask.minutes, reports, now), now)

        return self._answers.answer(shared, (ask, warning, reports), now, make)

    def _warning_for(self, ctx: ChatContext) -> EarlyWarning | None:
        """The early warning that concerns the asker's team, if any."""
        if self._poller.warnings is None:
            return None
        scope = f"team:{ctx.platform}:{ctx.workspace or ''}"
        return self._poller.warnings.state.for_team(scope)

    def learn_team(self, platform: str, workspace: str, channel: str | None = None) -> None:
        self._poller.teams.learn(platform, workspace, channel)

    async def disable_targets(self, platform: str, workspace: str, reason: str) -> int:
        return len(await self._store.disable_workspace(platform, workspace, reason, self._clock()))

    async def _subscribe(self, names: Sequence[str], ctx: ChatContext) -> Answer:
        if not ctx.can_manage:
            return TextAnswer(MANAGE_REFUSAL, ok=False)
        found, missing = components.resolve(names, self.view.components)
        if missing:
            return TextAnswer(missing[0].explain(self.view.components), ok=False)
        target = _target(ctx)
        now = self._clock()
        ids = [c.id for c in found]
        await self._store.subscribe(target, ids, ctx.user, "chat", now)
        preferences = await self._store.preferences(target)
        subscription = Subscription(0, target, tuple(ids), "chat", ctx.user, preferences)
        catch_up = routing.catch_up(self.view, subscription, self._poller.default_component_ids())
        if await self._store.queue(catch_up, now):
            self._on_queued()
        scope = ", ".join(c.name for c in found) if found else _default_scope(self._settings)
        who = ctx.user_name or ctx.user
        return TextAnswer(
            f"Subscribed: this channel gets Claude status alerts for {scope}.",
            channel_note=f"{who} subscribed this channel to Claude status alerts ({scope}).",
        )

    async def _unsubscribe(self, ctx: ChatContext) -> Answer:
        if not ctx.can_manage:
            return TextAnswer(MANAGE_REFUSAL, ok=False)
        stopped = await self._store.unsubscribe(
            _target(ctx), f"unsubscribed by {ctx.user}", self._clock()
        )
        if not stopped:
            return TextAnswer("This channel was not subscribed.", ok=True)
        who = ctx.user_name or ctx.user
        return TextAnswer(
            "Unsubscribed: no more alerts in this channel.",
            channel_note=f"{who} turned off Claude status alerts in this channel.",
        )

    async def _alerts(self, changes: tuple[PreferenceChange, ...], ctx: ChatContext) -> Answer:
        """Show this channel's alert preferences, or change them (as ``subscribe`` may)."""
        target = _target(ctx)
        preferences = await self._store.preferences(target)
        subscribed = await self._store.subscription(target) is not None
        if not changes:
            return AlertsAnswer(preferences, subscribed)
        if not ctx.can_manage:
            return TextAnswer(MANAGE_REFUSAL, ok=False)
        preferences = applied(preferences, changes)
        await self._store.set_preferences(target, preferences, ctx.user, self._clock())
        return AlertsAnswer(preferences, subscribed, changed_by=ctx.user_name or ctx.user)

    async def _test_alert(self, ctx: ChatContext) -> Answer:
        """Post the sample alert here through the real outbox, and say whether it worked."""
        if not ctx.can_manage:
            return TextAnswer(MANAGE_REFUSAL, ok=False)
        target, now = _target(ctx), self._clock()
        if await self._store.queued_since(target, "test:", now - TEST_EVERY):
            return TextAnswer("A test alert was posted here less than a minute ago.", ok=False)
        run_id = uuid.uuid4().hex[:12]
        planned = samples.test_alert(recording.sample_incident(), run_id, now)
        await self._store.queue(
            [
                Delivery(f"test:{run_id}:{n}", p.action, target, p.notice, not_before=when)
                for n, (p, when) in enumerate(planned)
            ],
            now,
        )
        self._on_queued()
        return await self._test_outcome(f"test:{run_id}:0", target)

    async def _test_outcome(self, event_id: str, target: Target) -> Answer:
        """Wait briefly for the sample's first post (the answer must still be quick)."""
        deadline = time.monotonic() + TEST_WAIT_SECONDS
        outcome = None
        while time.monotonic() < deadline:
            outcome = await self._store.delivery_outcome(event_id, target, Action.POST)
            if outcome is not None and outcome[0] != "pending":
                break
            await asyncio.sleep(0.05)
        state, attempts, error = outcome or ("pending", 0, None)
        if state == "sent":
            return TextAnswer(
                "Posted a test alert in this channel; its resolution follows in its thread "
                "in a few seconds, and the alert is then edited to show it resolved."
            )
        if state == "dead":
            return TextAnswer(f"I could not post here ({error}). {CANNOT_POST_HINT}", ok=False)
        slow = f" ({error}); I keep trying" if attempts else ""
        return TextAnswer(f"The test alert is queued{slow}.", ok=attempts == 0)

    async def _report(self, code: str | None, ctx: ChatContext) -> Answer:
        now = self._clock()
        await self._store.add_report(ctx.platform, ctx.workspace, ctx.user, code, now)
        self._reports.noted(ctx.platform, ctx.workspace, ctx.user, now)
        count = self._reports.count(ctx.platform, ctx.workspace, now)
        self._on_report()  # enough reports may raise an early warning: look now
        people = "1 person" if count == 1 else f"{count} people"
        return TextAnswer(
            f"Thanks, noted{f' ({code})' if code else ''}. {people} on this team reported "
            "problems in the last 30 minutes; answers here now say so."
        )


_parsed = functools.lru_cache(maxsize=1024)(grammar.parse)
"""The same words parse the same way (commands are frozen): a burst asks a few phrasings."""


def _default_scope(settings: Settings) -> str:
    if settings.components:
        return ", ".join(settings.components) + " (the default, COMPONENTS)"
    return "all components"


def _target(ctx: ChatContext) -> Target:
    return Target(platform=ctx.platform, channel=ctx.channel, workspace=ctx.workspace)
