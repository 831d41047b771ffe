"""The shared pacer's use of the database window: one request per batch of waiters, a grant
used at once or not at all, and waiting out a full window."""

from __future__ import annotations

import asyncio

from bot.pacing import SharedPacer


class Window:
    """A stand-in for the database's window: grants up to ``free`` starts, then none."""

    def __init__(self, free: int) -> None:
        self.free = free
        self.asked: list[int] = []

    async def take(self, want: int) -> tuple[int, float]:
        self.asked.append(want)
        await asyncio.sleep(0)  # a round trip, during which more waiters line up
        granted = min(want, self.free)
        self.free -= granted
        if not granted:
            self.free = 2  # the window moves on
            return 0, 0.01
        return granted, 0.0


async def test_waiters_in_line_are_granted_in_one_request() -> None:
    window = Window(free=10)
    pacer = SharedPacer(window.take)
    await asyncio.gather(*(pacer.wait() for _ in range(5)))
    assert window.asked == [1, 4]  # the first alone; the four who lined up meanwhile together


async def test_a_full_window_is_waited_out_and_asked_again() -> None:
    window = Window(free=3)
    pacer = SharedPacer(window.take)
    await asyncio.gather(*(pacer.wait() for _ in range(5)))
    assert window.asked == [1, 4, 2, 2]  # 1, then 2 of 4; none; then the last 2


async def test_a_grant_is_used_at_once_or_not_at_all() -> None:
    asked: list[int] = []

    async def generous(want: int) -> tuple[int, float]:
        asked.append(want)
        return 3, 0.0

    pacer = SharedPacer(generous)
    await pacer.wait()
    await pacer.wait()  # the leftover of the same grant, at once
    assert asked == [1]
    await asyncio.sleep(SharedPacer.GRANT_SECONDS * 2)
    await pacer.wait()  # the last one left is stale: it was counted as a start long ago
    assert asked == [1, 1]
