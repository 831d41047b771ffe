"""The shared pacer's use of the database window: one request per batch of waiters, the
ends of sends carried by the next request or reported together when none follows, and no
grant lost to a waiter that left."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from itertools import count

from bot.pacing import Ended, SharedPacer


class Window:
    """A stand-in for the database's window: grants up to ``free`` sends, then none; records
    what it was asked and told."""

    def __init__(self, free: int) -> None:
        self.free = free
        self.asked: list[int] = []
        self.carried: list[list[Ended]] = []  # the ends that came with each request
        self.reported: list[list[Ended]] = []  # the ends reported on their own
        self.gate = asyncio.Event()
        self.gate.set()
        self._rows = count(1)

    async def take(self, want: int, ended: Sequence[Ended]) -> tuple[list[int], float]:
        self.asked.append(want)
        self.carried.append(list(ended))
        await asyncio.sleep(0)  # a round trip, during which more waiters line up
        await self.gate.wait()
        granted = min(want, self.free)
        self.free -= granted
        if not granted:
            self.free = 2  # the window moves on
            return [], 0.01
        return [next(self._rows) for _ in range(granted)], 0.0

    async def end(self, ended: Sequence[Ended]) -> None:
        self.reported.append(list(ended))


async def test_waiters_in_line_are_granted_in_one_request() -> None:
    window = Window(free=10)
    pacer = SharedPacer(window.take, window.end)
    rows = await asyncio.gather(*(pacer.wait() for _ in range(5)))
    assert window.asked == [5]  # all who lined up before the request left, together
    assert sorted(rows) == [1, 2, 3, 4, 5]


async def test_a_full_window_is_waited_out_and_asked_again() -> None:
    window = Window(free=3)
    pacer = SharedPacer(window.take, window.end)
    await asyncio.gather(*(pacer.wait() for _ in range(5)))
    assert window.asked == [5, 2, 2]  # 3 of 5; none; then the last 2


async def test_ends_go_with_the_next_request() -> None:
    window = Window(free=10)
    pacer = SharedPacer(window.take, window.end)
    first = await pacer.wait()
    pacer.ended(first)
    await asyncio.sleep(0.02)
    await pacer.wait()
    await asyncio.sleep(SharedPacer.FLUSH_SECONDS * 2)
    assert [[row for row, _ in ends] for ends in window.carried] == [[], [first]]
    assert window.carried[1][0][1] >= 0.02  # how long ago it ended, not when it was told
    assert window.reported == []  # nothing left for a report of its own


async def test_ends_with_no_request_after_them_are_reported_together() -> None:
    window = Window(free=10)
    pacer = SharedPacer(window.take, window.end)
    rows = await asyncio.gather(*(pacer.wait() for _ in range(3)))
    for row in rows:
        pacer.ended(row)
    while not window.reported:
        await asyncio.sleep(SharedPacer.FLUSH_SECONDS)
    assert [[row for row, _ in ends] for ends in window.reported] == [rows]


async def test_a_grant_outlives_a_waiter_cancelled_during_the_request() -> None:
    """The rows were granted in the database: a waiter that leaves meanwhile must not drop
    them (they would hold their places until they expire); the others use that request's
    grant, and a grant no one waits for any more ends at once."""
    window = Window(free=10)
    window.gate.clear()
    pacer = SharedPacer(window.take, window.end)
    first, second, third = (asyncio.create_task(pacer.wait()) for _ in range(3))
    while not window.asked:
        await asyncio.sleep(0)
    first.cancel()  # the one asking, during its request
    await asyncio.gather(first, return_exceptions=True)
    window.gate.set()
    used = await asyncio.gather(second, third)
    await pacer.close()
    assert window.asked == [3]  # no second request
    given_back = [row for ends in window.reported for row, _ in ends]
    assert sorted(used) == [1, 2]
    assert given_back == [3]
