"""Polls through scripted scenarios: the poller, the store and the dispatcher for real."""

from __future__ import annotations

import copy
from typing import Any

from bot.clock import utc_now
from bot.detect.events import (
    FeedLost,
    FeedRestored,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
)
from bot.notify.notices import NoticeKind
from fakes.statuspage import FakeStatuspage, load_json, scenario_steps
from tests.integration.helpers import CONSOLE, Target, wired

SLACK = Target("slack", "C1", "T1")


def kinds(events: tuple[object, ...]) -> list[str]:
    return [type(e).__name__ for e in events if not type(e).__name__.startswith("Component")]


async def test_scenario_announces_start_updates_and_resolution_once(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url) as w:
        await w.store.subscribe(SLACK, (), "U1", "chat", utc_now())
        seen = []
        for step in steps:
            statuspage.set_step(step)
            seen.append(kinds((await w.poller.poll()).events))
            await w.dispatcher.drain()
    assert seen == [
        [],
        ["IncidentStarted"],
        ["IncidentUpdated"],
        ["IncidentUpdated"],
        ["IncidentUpdated"],
        ["IncidentResolved"],
        [],
    ]
    to_slack = w.chat.to(SLACK)
    assert [(s.action, s.notice.kind) for s in to_slack] == [
        ("post", NoticeKind.INCIDENT_STARTED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_RESOLVED),
        ("edit", NoticeKind.INCIDENT_STARTED),
    ]
    root = to_slack[0]
    assert root.notice.text == "We are currently investigating this issue."
    assert all(s.root is not None and s.root.id == "m1" for s in to_slack[1:])
    assert to_slack[4].broadcast
    assert not to_slack[1].broadcast
    assert to_slack[5].notice.ended_at is not None
    assert to_slack[5].notice.duration_minutes == 81


async def test_restart_mid_incident_repeats_nothing_and_misses_nothing(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url) as first:
        await first.store.subscribe(SLACK, (), "U1", "chat", utc_now())
        for step in steps[:3]:
            statuspage.set_step(step)
            await first.poller.poll()
            await first.dispatcher.drain()
        before = len(first.chat.sent)
    async with wired(database_url, statuspage.url) as second:
        for step in steps[2:]:  # step 03 is read again, as after a crash before the next poll
            statuspage.set_step(step)
            await second.poller.poll()
            await second.dispatcher.drain()
    assert before == 2
    actions = [(s.action, s.notice.kind) for s in second.chat.to(SLACK)]
    assert actions == [
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_RESOLVED),
        ("edit", NoticeKind.INCIDENT_STARTED),
    ]
    assert all(s.root is not None and s.root.id == "m1" for s in second.chat.sent)


async def test_long_feed_outage_is_one_lost_and_one_restored(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("feed-outage")
    async with wired(database_url, statuspage.url) as w:
        await w.store.subscribe(SLACK, (), "U1", "chat", utc_now())
        events: list[object] = []
        readable = []
        for step in steps:
            statuspage.set_step(step)
            events += (await w.poller.poll()).events
            readable.append(w.poller.view.readable)
            await w.dispatcher.drain()
        assert w.poller.view.snapshot is not None
    assert [type(e) for e in events] == [FeedLost, FeedRestored]
    assert readable == [True, True, True, False, False, False, False, True, True]
    sent = [(s.action, s.notice.kind) for s in w.chat.to(SLACK)]
    assert sent == [
        ("post", NoticeKind.FEED_LOST),
        ("reply", NoticeKind.FEED_RESTORED),
        ("edit", NoticeKind.FEED_LOST),
    ]


async def test_an_incident_that_vanishes_is_not_called_resolved(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url) as w:
        statuspage.set_step(steps[1])
        await w.poller.poll()
        vanished = _without_incidents(steps[1])
        statuspage.set_step(vanished)
        result = await w.poller.poll()
        assert not any(isinstance(e, IncidentResolved) for e in result.events)
        assert [i.name for i in w.poller.view.open_incidents] == [
            "Elevated errors on the Claude API"
        ]
        statuspage.set_step(steps[5])  # the feed now says resolved
        result = await w.poller.poll()
    assert [type(e) for e in result.events if not type(e).__name__.startswith("Component")] == [
        IncidentUpdated,
        IncidentUpdated,
        IncidentUpdated,
        IncidentResolved,
    ]


async def test_bad_answers_never_resolve_and_keep_the_last_good_state(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url) as w:
        statuspage.set_step(steps[1])
        await w.poller.poll()
        for fault in ("wrong-shape", "empty", "not-json", "truncated", "http-503-html"):
            statuspage.set_fault(fault)
            result = await w.poller.poll()
            assert not any(isinstance(e, IncidentResolved | IncidentStarted) for e in result.events)
            assert len(w.poller.view.open_incidents) == 1
        assert not w.poller.view.readable
        assert "http-status" in (w.poller.view.last_error or "")


async def test_a_stale_copy_of_the_page_is_ignored(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url) as w:
        statuspage.set_step(steps[2])
        await w.poller.poll()
        statuspage.set_step(steps[1])  # an older document, e.g. from a lagging cache
        result = await w.poller.poll()
        assert result.events == ()
        assert len(w.poller.view.open_incidents[0].incident_updates) == 2


async def test_first_start_announces_what_is_open_once(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    async with wired(database_url, statuspage.url) as w:
        await w.store.sync_static([CONSOLE], utc_now())
        first = await w.poller.poll()
        second = await w.poller.poll()
        await w.dispatcher.drain()
    assert kinds(first.events) == ["IncidentStarted"]
    assert second.events == ()
    posted = w.chat.to(CONSOLE)
    assert len(posted) == 1
    latest = load_json("summary-minor-incident.json")["incidents"][0]["incident_updates"][0]["body"]
    assert posted[0].notice.text == latest


async def test_components_setting_filters_channels_that_name_none(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    """With COMPONENTS=Claude Code, an API-only incident stays quiet until it touches Claude
    Code; then the channel hears of it (as a new thread, since it never saw the start)."""
    steps = scenario_steps("api-elevated-errors")
    async with wired(database_url, statuspage.url, default_components=("claude code",)) as w:
        await w.store.subscribe(SLACK, (), "U1", "chat", utc_now())
        heard = []
        for step in steps[:4]:
            statuspage.set_step(step)
            await w.poller.poll()
            await w.dispatcher.drain()
            heard.append([(s.action, s.notice.kind.value) for s in w.chat.to(SLACK)])
    assert heard[1] == []
    assert heard[2] == [("post", "incident_updated")]
    assert heard[3][-1][0] == "reply"


def _without_incidents(step: dict[str, Any]) -> dict[str, Any]:
    gone = copy.deepcopy(step)
    gone["summary"]["incidents"] = []
    gone["incidents"]["incidents"] = [
        i for i in gone["incidents"]["incidents"] if i["status"] in ("resolved", "postmortem")
    ]
    return gone
