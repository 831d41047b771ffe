"""``DATABASE_URL`` with either PostgreSQL driver the contract names: the same migrations and
the same outbox behaviour on ``postgresql+asyncpg`` and ``postgresql+psycopg``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import utc_now
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import Target
from bot.settings import load
from bot.store import Store

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg"])
async def test_each_driver_migrates_and_queues_once(postgres_url: str, driver: str) -> None:
    url = load({"DATABASE_URL": postgres_url.replace("+asyncpg", f"+{driver}")}, env_file=None)
    store = Store.open(url.database_url)
    await store.migrate()
    await store.migrate()  # a second start changes nothing
    target = Target("discord", "123", "456")
    notice = Notice(
        NoticeKind.INCIDENT_STARTED, "x", Severity.MINOR, "investigating", "", utc_now()
    )
    row = Delivery("incident:x:started", Action.POST, target, notice)
    first = await store.queue([row], utc_now())
    again = await store.queue([row], utc_now())
    heads = await store.due_heads(utc_now())
    mine = await store.claim(heads[0], "one", utc_now(), timedelta(seconds=60))
    theirs = await store.claim(heads[0], "two", utc_now(), timedelta(seconds=60))
    subscribed = await store.subscribe(target, (), "U1", "chat", utc_now())
    stopped = await store.unsubscribe(target, "test", utc_now())
    await store.close()
    assert store.engine.dialect.driver == driver
    assert (first, again) == (1, 0)
    assert [h.event_id for h in heads] == ["incident:x:started"]
    assert (mine, theirs) == (True, False)
    assert (subscribed, stopped) == (True, True)
