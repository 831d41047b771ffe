"""Early warning end to end in one process: the real probe against a fake API, team reports
in the database, the fake status page, the poller, the outbox and a recording chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from prometheus_client.parser import text_string_to_metric_families

from bot.ask.advisor import advise
from bot.ask.symptoms import parse_symptom
from bot.detect.early_warning import PROBE_SCOPE
from bot.detect.view import StatusView
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.notices import NoticeKind
from bot.notify.ports import Target
from bot.poller import Poller
from bot.signals.gather import SignalGatherer
from bot.signals.probe import Prober
from bot.statuspage.client import FeedClient
from bot.store import Store
from fakes.anthropic_api import FakeAnthropic, fake_anthropic
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.helpers import ManualClock, RecordingChat

STEPS = scenario_steps("api-elevated-errors")
T1 = Target("slack", "C1", "T1")
T2 = Target("slack", "C2", "T2")


@dataclass
class Rig:
    page: FakeStatuspage
    api: FakeAnthropic
    prober: Prober
    store: Store
    poller: Poller
    dispatcher: Dispatcher
    chat: RecordingChat
    clock: ManualClock
    metrics: Metrics

    async def probes(self, status: int, times: int = 1) -> None:
        self.api.status = status
        for _ in range(times):
            await self.prober.probe()

    async def poll(self, step: int | None = None) -> list[str]:
        if step is not None:
            self.page.set_step(STEPS[step])
        result = await self.poller.poll()
        await self.dispatcher.drain()
        return [type(e).__name__ for e in result.events if type(e).__name__.startswith("Warning")]

    def kinds(self, target: Target) -> list[tuple[str, NoticeKind]]:
        return [(s.action, s.notice.kind) for s in self.chat.to(target)]


@asynccontextmanager
async def rig(
    database_url: str, statuspage: FakeStatuspage, reports: int = 3
) -> AsyncIterator[Rig]:
    clock, metrics, chat = ManualClock(), Metrics(), RecordingChat()
    store = Store.open(database_url)
    await store.migrate()
    for target in (T1, T2):
        await store.subscribe(target, (), "U0", "chat", clock())
    statuspage.set_step(STEPS[0])
    async with fake_anthropic() as api:
        prober = Prober(api.url, None, timeout=0.3)
        warnings = SignalGatherer(store, reports, lambda: prober.health)
        feed = FeedClient(statuspage.url, timeout=1.0)
        poller = Poller(
            store,
            feed,
            source=statuspage.url,
            lost_after=3,
            clock=clock,
            metrics=metrics,
            warnings=warnings,
        )
        await poller.load()
        dispatcher = Dispatcher(store, {"slack": chat}, clock, metrics)
        try:
            await poller.poll()
            yield Rig(statuspage, api, prober, store, poller, dispatcher, chat, clock, metrics)
        finally:
            await dispatcher.close()
            await feed.close()
            await prober.close()
            await store.close()


async def test_a_real_looking_outage_is_warned_early_then_confirmed(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    """The probe fails, three teammates report, the page posts 8 minutes later, resolves."""
    async with rig(database_url, statuspage) as r:
        await r.probes(529, 3)
        assert await r.poll() == ["WarningRaised"]
        for user in ("U1", "U2", "U3"):
            await r.store.add_report("slack", "T1", user, "529", r.clock())
        assert await r.poll() == []  # everyone already has the probe's warning
        view = r.poller.view
        warned = advise(_with_warning(r), parse_symptom("503"), 25, 0, r.clock())
        r.clock.advance(8)
        assert await r.poll(1) == ["WarningConfirmed"]
        for step in range(2, 6):
            await r.poll(step)
        metrics = r.metrics.render().decode()
    assert view.readable
    assert warned.kind.value == "wait"
    assert "it is not your setup" in warned.summary
    sent = r.kinds(T1)
    assert sent[0] == ("post", NoticeKind.EARLY_WARNING)
    assert ("post", NoticeKind.INCIDENT_STARTED) in sent
    assert ("reply", NoticeKind.EARLY_WARNING_CONFIRMED) in sent
    assert ("edit", NoticeKind.EARLY_WARNING) in sent
    assert sent.count(("post", NoticeKind.EARLY_WARNING)) == 1
    start = next(s for s in r.chat.to(T1) if s.notice.kind is NoticeKind.INCIDENT_STARTED)
    assert start.notice.early_warning_minutes == 8
    assert r.kinds(T2) == sent  # the probe's warning is everyone's
    lead = _sample(metrics, "icd_early_warning_lead_minutes_sum")
    assert lead == 8


async def test_a_lone_flaky_probe_raises_nothing(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        await r.probes(500, 1)
        await r.probes(401, 1)
        await r.probes(503, 2)
        assert await r.poll() == []
    assert r.chat.sent == []


async def test_our_own_network_down_raises_nothing_and_says_check_the_network(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        r.api.hang = True
        await r.probes(529, 3)  # every probe times out
        statuspage.set_fault("reset")
        for _ in range(3):
            assert await r.poll() == []
        advice = advise(r.poller.view, parse_symptom("503"), 15, 0, r.clock())
    assert not [s for s in r.chat.sent if s.notice.kind is NoticeKind.EARLY_WARNING]
    assert advice.kind.value == "feed-unknown"
    assert "check your network" in advice.summary


async def test_flapping_gives_one_warning_per_half_hour(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        raised = []
        for _ in range(5):
            await r.probes(529, 3)
            raised += await r.poll()
            r.clock.advance(2)
            await r.probes(401)
            raised += await r.poll()
            r.clock.advance(3)
    assert raised.count("WarningRaised") == 1
    assert [k for a, k in r.kinds(T1) if a == "post"] == [NoticeKind.EARLY_WARNING]


async def test_a_warning_that_clears_without_an_incident(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        await r.probes(529, 3)
        await r.poll()
        r.clock.advance(6)
        await r.probes(401)
        assert await r.poll() == ["WarningCleared"]
    assert r.kinds(T1) == [
        ("post", NoticeKind.EARLY_WARNING),
        ("reply", NoticeKind.EARLY_WARNING_CLEARED),
        ("edit", NoticeKind.EARLY_WARNING),
    ]


async def test_team_reports_warn_only_that_team(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        for user in ("U1", "U2", "U2", "U3"):
            await r.store.add_report("slack", "T1", user, "503", r.clock())
        assert await r.poll() == ["WarningRaised"]
        root = r.chat.to(T1)[0].notice
    assert r.kinds(T1) == [("post", NoticeKind.EARLY_WARNING)]
    assert r.kinds(T2) == []
    assert "3 people on this team reported 503" in root.text
    assert "U1" not in root.text


def _with_warning(r: Rig) -> StatusView:
    """The view as the core shows it to someone the open warning concerns."""
    assert r.poller.warnings is not None
    warning = r.poller.warnings.state.for_scopes(PROBE_SCOPE)
    return replace(r.poller.view, early_warning=warning)


def _sample(metrics: str, name: str) -> float:
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    raise AssertionError(f"{name} not in /metrics")
