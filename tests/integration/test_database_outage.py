"""The database briefly unavailable (PostgreSQL behind a proxy that is cut and restored):
polls and deliveries fail while it is away, nothing is lost, nothing is sent twice, and the
in-memory view never runs ahead of what the database holds."""

from __future__ import annotations

import pytest

from bot.clock import utc_now
from bot.notify.notices import NoticeKind
from fakes.statuspage import FakeStatuspage, scenario_steps
from fakes.tcp_proxy import cuttable_proxy
from tests.integration.helpers import Target, wired

pytestmark = pytest.mark.postgres
SLACK = Target("slack", "C1", "T1")


async def test_a_database_outage_mid_incident_loses_and_repeats_nothing(
    postgres_url: str, statuspage: FakeStatuspage
) -> None:
    steps = scenario_steps("api-elevated-errors")
    rest, database = postgres_url.split("@", 1)
    host_port, name = database.split("/", 1)
    host, port = host_port.split(":")
    async with cuttable_proxy(host, int(port)) as proxy:
        url = f"{rest}@127.0.0.1:{proxy.port}/{name}"
        async with wired(url, statuspage.url) as w:
            await w.store.subscribe(SLACK, (), "U1", "chat", utc_now())
            for step in steps[:2]:
                statuspage.set_step(step)
                await w.poller.poll()
                await w.dispatcher.drain()
            proxy.cut()
            statuspage.set_step(steps[2])
            for _ in range(2):
                with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the driver raises
                    await w.poller.poll()
                with pytest.raises(Exception):  # noqa: B017, PT011
                    await w.dispatcher.drain(timeout=0.5)
            seen_while_down = len(w.poller.view.open_incidents[0].incident_updates)
            proxy.restore()
            for step in steps[2:]:
                statuspage.set_step(step)
                await w.poller.poll()
                await w.dispatcher.drain()
    assert seen_while_down == 1  # memory did not take what the database could not store
    assert [(s.action, s.notice.kind) for s in w.chat.to(SLACK)] == [
        ("post", NoticeKind.INCIDENT_STARTED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_RESOLVED),
        ("edit", NoticeKind.INCIDENT_STARTED),
    ]
