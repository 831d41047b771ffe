"""A pace shared in PostgreSQL: grants up to the window's room, then says how long to wait;
two stores (two replicas) draw from the same window; a send counts while in flight and until
``per`` after its end, reported late or not; a crashed replica's sends stop counting."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.store import Store
from bot.store import tables as t
from bot.store.paces import IN_FLIGHT_EXPIRY

pytestmark = pytest.mark.postgres


async def test_two_replicas_draw_from_one_window(postgres_url: str) -> None:
    first, second = Store.open(postgres_url), Store.open(postgres_url)
    await first.migrate()
    try:
        rows, wait = await first.take_sends("discord", 50, 1.0, 30, [])
        assert (len(rows), wait) == (30, 0.0)
        more, wait = await second.take_sends("discord", 50, 1.0, 30, [])
        assert (len(more), wait) == (20, 0.0)
        assert len(set(rows + more)) == 50
        none, wait = await second.take_sends("discord", 50, 1.0, 1, [])
        assert none == []
        assert 0 < wait <= 1.0
        other, _ = await first.take_sends("webhook", 5, 1.0, 1, [])  # another pace
        assert len(other) == 1
    finally:
        await first.close()
        await second.close()


async def test_a_send_in_flight_holds_its_place_past_the_window(postgres_url: str) -> None:
    """However long ago it was granted: until it ends, the window cannot say when it frees,
    except that it is ``per`` from now at the soonest."""
    store = Store.open(postgres_url)
    await store.migrate()
    try:
        rows, _ = await store.take_sends("discord", 2, 0.5, 2, [])
        await _grant_earlier(store, rows, seconds=10.0)  # granted 20 windows ago
        none, wait = await store.take_sends("discord", 2, 0.5, 1, [])
        assert none == []
        assert wait == 0.5
    finally:
        await store.close()


async def test_an_end_frees_the_place_per_after_it_happened(postgres_url: str) -> None:
    """An end travels as an age: reported late, it still counts from when it happened."""
    store = Store.open(postgres_url)
    await store.migrate()
    try:
        (a, b), _ = await store.take_sends("discord", 2, 1.0, 2, [])
        await store.end_sends([(a, 0.6)])  # ended 0.6 s ago
        none, wait = await store.take_sends("discord", 2, 1.0, 1, [])
        assert none == []
        assert 0 < wait <= 0.4
        freed, _ = await store.take_sends("discord", 2, 1.0, 1, [(b, 5.0)])  # told with a take
        assert len(freed) == 1
        await store.end_sends([(b, 0.0)])  # told again: the first word stands
        again, _ = await store.take_sends("discord", 2, 1.0, 1, [])
        assert again == []  # a's place, still within the window
    finally:
        await store.close()


async def test_a_crashed_replicas_sends_stop_counting(postgres_url: str) -> None:
    store = Store.open(postgres_url)
    await store.migrate()
    try:
        rows, _ = await store.take_sends("discord", 2, 1.0, 2, [])
        await _grant_earlier(store, rows, seconds=IN_FLIGHT_EXPIRY + 1)  # never ended
        granted, _ = await store.take_sends("discord", 2, 1.0, 2, [])
        assert len(granted) == 2
        async with store.engine.connect() as conn:
            left = (await conn.execute(sa.select(t.send_starts.c.id))).scalars().all()
        assert sorted(left) == sorted(granted)  # the expired rows were dropped
    finally:
        await store.close()


async def _grant_earlier(store: Store, rows: list[int], seconds: float) -> None:
    """Move the grants of ``rows`` back in time: what waiting that long would have done."""
    s = t.send_starts
    async with store.engine.begin() as conn:
        await conn.execute(s.update().where(s.c.id.in_(rows)).values(at=s.c.at - seconds))
