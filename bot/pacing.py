"""Pacing: at most so many sends in any window, for a platform whose limit spans all its
channels (Discord: 50 requests per second per bot)."""

from __future__ import annotations

import asyncio
from collections import deque


class Pacer:
    """At most ``count`` starts in any ``per`` seconds (a sliding window), in arrival order."""

    def __init__(self, count: int, per: float) -> None:
        self._count = count
        self._per = per
        self._starts: deque[float] = deque()
        self._turn = asyncio.Lock()

    async def wait(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                while self._starts and self._starts[0] <= now - self._per:
                    self._starts.popleft()
                if len(self._starts) < self._count:
                    self._starts.append(now)
                    return
                await asyncio.sleep(self._starts[0] + self._per - now)
