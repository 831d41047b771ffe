"""A pace shared in PostgreSQL: grants up to the window's room, then says how long to wait;
two stores (two replicas) draw from the same window."""

from __future__ import annotations

import pytest

from bot.store import Store

pytestmark = pytest.mark.postgres


async def test_two_replicas_draw_from_one_window(postgres_url: str) -> None:
    first, second = Store.open(postgres_url), Store.open(postgres_url)
    await first.migrate()
    try:
        assert await first.take_sends("discord", 50, 1.0, 30) == (30, 0.0)
        assert await second.take_sends("discord", 50, 1.0, 30) == (20, 0.0)
        granted, wait = await second.take_sends("discord", 50, 1.0, 1)
        assert granted == 0
        assert 0 < wait <= 1.0
        assert await first.take_sends("webhook", 5, 1.0, 1) == (1, 0.0)  # another pace
    finally:
        await first.close()
        await second.close()
