"""Pacing: at most so many sends in any window, for a platform whose limit spans all its
channels (Discord: 50 requests per second per bot). ``Pacer`` keeps the window in this
process (SQLite: one process); ``SharedPacer`` in the database, for replicas sharing a bot.
Both count a send the same way: from before it starts until ``per`` after its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Final, Protocol

log = logging.getLogger(__name__)

PLATFORM_PACE: Final[Mapping[str, tuple[int, float]]] = {"discord": (50, 1.0)}
"""Sends per platform (``count``, ``per`` seconds) across all its channels. Discord allows a
bot 50 requests per second (discord.com/developers/docs/topics/rate-limits); discord.py does
not pace that, it only waits after a 429, and 10,000 refused requests in 10 minutes get the
address banned for an hour. A send is counted from its answer: no margin needed."""

Ended = tuple[int, float]
"""A send that ended: its row in the shared window, and how many seconds ago it ended (a
duration on this process's clock, so it means the same on the database's)."""


class SendWindow(Protocol):
    """Where replicas share a pace (``Store.take_sends`` and ``end_sends`` on PostgreSQL)."""

    async def take_sends(
        self, pace: str, count: int, per: float, want: int, ended: Sequence[Ended]
    ) -> tuple[list[int], float]: ...

    async def end_sends(self, ended: Sequence[Ended]) -> None: ...


def platform_pacer(platform: str, count: int, per: float, window: SendWindow | None) -> Pacer:
    """The pacer of one platform: on its own (one process), or also asking ``window`` so that
    every replica together keeps to the platform's limit."""
    if window is None:
        return Pacer(count, per)

    async def take(want: int, ended: Sequence[Ended]) -> tuple[list[int], float]:
        return await window.take_sends(platform, count, per, want, ended)

    return Pacer(count, per, shared=SharedPacer(take, window.end_sends))


class Pacer:
    """At most ``count`` sends in any ``per`` seconds, in arrival order, counted from when each
    send *ends*: a send holds its place while in flight and for ``per`` after its answer.

    Counting from the start would let jitter break the limit: of 50 sends started together
    some reach the platform late, and the next 50, started ``per`` later, may reach it early,
    inside the same window there. A send's arrival lies between its start and its answer, so
    from the answer on, no window there ever holds more than ``count``, whatever the jitter.
    ``shared``, when given, is asked too: the window of every replica together."""

    def __init__(self, count: int, per: float, shared: SharedPacer | None = None) -> None:
        self._count = count
        self._per = per
        self._shared = shared
        self._ended: deque[float] = deque()
        self._in_flight = 0
        self._turn = asyncio.Lock()
        self._one_ended = asyncio.Event()

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a place for one send (``async with pacer.turn(): send``)."""
        await self._take_place()
        row: int | None = None
        try:
            if self._shared is not None:
                row = await self._shared.wait()
            yield
        finally:
            self._in_flight -= 1
            self._ended.append(asyncio.get_running_loop().time())
            self._one_ended.set()
            if self._shared is not None and row is not None:
                self._shared.ended(row)

    async def close(self) -> None:
        """Tell the shared window what ended here (shutdown)."""
        if self._shared is not None:
            await self._shared.close()

    async def _take_place(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                while self._ended and self._ended[0] <= now - self._per:
                    self._ended.popleft()
                if self._in_flight + len(self._ended) < self._count:
                    self._in_flight += 1
                    return
                self._one_ended.clear()
                wait = self._ended[0] + self._per - now if self._ended else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._one_ended.wait(), wait)


Take = Callable[[int, Sequence[Ended]], Awaitable[tuple[list[int], float]]]
"""Report ``ended``, then ask the shared window for up to ``n`` sends now: (the rows granted,
and when none was, the seconds until the window may have room)."""
End = Callable[[Sequence[Ended]], Awaitable[None]]
"""Report ``ended`` alone."""


class SharedPacer:
    """The sliding window of ``Pacer`` kept in the database, so that replicas together keep to
    a limit that spans all of them: a granted send is a row that counts while in flight and
    until ``per`` after its answer, whichever replica asks.

    No send costs a round trip of its own. Waiters line up as with ``Pacer``, and the first
    asks for as many sends as are waiting; the ends seen since go with that request, or, when
    none follows within ``FLUSH_SECONDS``, together in a report of their own. An end reported
    late still counts from when it happened (it travels as an age): the delay only keeps the
    place taken a little longer for the other replicas. A grant, counted from when it was
    given, stays good until used: nothing to count from the send's start, so no margin."""

    FLUSH_SECONDS: Final = 0.05
    RETRY_SECONDS: Final = 1.0

    def __init__(self, take: Take, end: End) -> None:
        self._take = take
        self._end = end
        self._turn = asyncio.Lock()
        self._waiting = 0
        self._granted: deque[int] = deque()
        self._ends: list[tuple[int, float]] = []  # (row, loop time it ended), not yet reported
        self._asking: asyncio.Task[float] | None = None
        self._flushing: asyncio.Task[None] | None = None

    async def wait(self) -> int:
        """The row of one send, once the shared window has room for it. A grant counts from
        the moment it is given: pass the row to ``ended`` when the send's answer is in."""
        self._waiting += 1
        try:
            async with self._turn:
                while not self._granted:
                    # Shielded: a waiter cancelled mid-request must not lose the rows it was
                    # granted (they would hold their places until they expire).
                    if self._asking is None or self._asking.done():
                        self._asking = asyncio.create_task(self._ask())
                    wait = await asyncio.shield(self._asking)
                    if not self._granted:
                        await asyncio.sleep(max(wait, 0.001))
                return self._granted.popleft()
        finally:
            self._waiting -= 1
            self._give_back_surplus()

    def ended(self, row: int) -> None:
        """The send of ``row`` has its answer (or failed): it leaves the window ``per`` later."""
        self._ends.append((row, asyncio.get_running_loop().time()))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())

    async def close(self) -> None:
        """Report every end, and grants no one waits for any more, so that other replicas
        need not wait them out."""
        if self._asking is not None:
            await asyncio.gather(self._asking, return_exceptions=True)
        if self._flushing is not None:
            self._flushing.cancel()
            await asyncio.gather(self._flushing, return_exceptions=True)
        if self._ends:
            ends, self._ends = self._ends, []
            try:
                await self._end(self._ages(ends))
            except Exception as error:  # they expire in the database on their own
                log.warning("could not report the ends of %d sends: %s", len(ends), error)

    async def _ask(self) -> float:
        ends, self._ends = self._ends, []
        try:
            rows, wait = await self._take(self._waiting, self._ages(ends))
        except Exception as error:  # the database is away: sends wait with it
            log.warning("could not take a send from the shared pace: %s", error)
            self._ends[:0] = ends
            return self.RETRY_SECONDS
        self._granted.extend(rows)
        self._give_back_surplus()
        return wait

    def _give_back_surplus(self) -> None:
        """Grants beyond the waiters (some were cancelled) end now, unused."""
        while len(self._granted) > self._waiting:
            self.ended(self._granted.pop())

    async def _flush(self) -> None:
        try:
            while self._ends:
                await asyncio.sleep(self.FLUSH_SECONDS)
                ends, self._ends = self._ends, []  # those no request took along meanwhile
                if not ends:
                    continue
                try:
                    await self._end(self._ages(ends))
                except asyncio.CancelledError:  # close() reports them
                    self._ends[:0] = ends
                    raise
                except Exception as error:
                    log.warning("could not report the ends of %d sends: %s", len(ends), error)
                    self._ends[:0] = ends
                    await asyncio.sleep(self.RETRY_SECONDS)
        finally:
            self._flushing = None

    @staticmethod
    def _ages(ends: Sequence[tuple[int, float]]) -> list[Ended]:
        now = asyncio.get_running_loop().time()
        return [(row, now - at) for row, at in ends]
