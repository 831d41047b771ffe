"""Pacing: at most so many sends in any window, for a platform whose limit spans all its
channels (Discord: 50 requests per second per bot). ``Pacer`` keeps the window in this
process (SQLite: one process); ``SharedPacer`` in the database, for replicas sharing a bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Final, Protocol

log = logging.getLogger(__name__)

PLATFORM_PACE: Final[Mapping[str, tuple[int, float]]] = {"discord": (50, 1.0)}
"""Sends per platform (``count``, ``per`` seconds) across all its channels. Discord allows a
bot 50 requests per second (discord.com/developers/docs/topics/rate-limits); discord.py does
not pace that, it only waits after a 429, and 10,000 refused requests in 10 minutes get the
address banned for an hour. ``Pacer`` counts each send from its answer: no margin needed."""

SHARED_PACE_MARGIN: Final = 1.05
"""The shared window counts a send from its grant, not its answer (that would be a second
round trip per send): 5 % more time per window covers the jitter from grant to arrival."""


class SendWindow(Protocol):
    """Where replicas share a pace (``Store.take_sends`` on PostgreSQL)."""

    async def take_sends(
        self, pace: str, count: int, per: float, want: int
    ) -> tuple[int, float]: ...


def platform_pacer(platform: str, count: int, per: float, window: SendWindow | None) -> Pacer:
    """The pacer of one platform: on its own (one process), or also asking ``window`` so that
    every replica together keeps to the platform's limit."""
    if window is None:
        return Pacer(count, per)

    async def take(want: int) -> tuple[int, float]:
        return await window.take_sends(platform, count, per * SHARED_PACE_MARGIN, want)

    return Pacer(count, per, shared=SharedPacer(take))


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
        try:
            if self._shared is not None:
                await self._shared.wait()
            yield
        finally:
            self._in_flight -= 1
            self._ended.append(asyncio.get_running_loop().time())
            self._one_ended.set()

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


Take = Callable[[int], Awaitable[tuple[int, float]]]
"""Ask the shared window for up to ``n`` starts now: (how many it granted, and when it granted
none, the seconds until the oldest start in it leaves the window)."""


class SharedPacer:
    """The same sliding window kept in the database (``take``), so that replicas together keep
    to a limit that spans all of them. In one process, waiters line up as with ``Pacer`` and
    the first asks for as many starts as are waiting, so a busy fan-out costs one round trip
    per batch, not per send. A grant is used at once or not at all: it was recorded as a
    start when given."""

    GRANT_SECONDS: Final = 0.05
    RETRY_SECONDS: Final = 1.0

    def __init__(self, take: Take) -> None:
        self._take = take
        self._turn = asyncio.Lock()
        self._waiting = 0
        self._granted = 0
        self._granted_until = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            async with self._turn:
                while not (self._granted and loop.time() <= self._granted_until):
                    try:
                        granted, wait = await self._take(self._waiting)
                    except Exception as error:  # the database is away: sends wait with it
                        log.warning("could not take a send from the shared pace: %s", error)
                        granted, wait = 0, self.RETRY_SECONDS
                    self._granted = granted
                    self._granted_until = loop.time() + self.GRANT_SECONDS
                    if not granted:
                        await asyncio.sleep(max(wait, 0.001))
                self._granted -= 1
        finally:
            self._waiting -= 1
