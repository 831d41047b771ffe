"""Group commit: many callers' writes in one transaction.

The dispatcher's workers each end by recording what they sent. One transaction per delivery
costs a write lock, a commit and several hops to the database driver's thread each time, which
in a fan-out to hundreds of channels was most of the dispatcher's work. Here the first caller
writes at once; everyone who arrives while that write runs goes into the next one, together.
Each caller still returns only once its own item is written (or raises what the write raised).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")


class GroupCommit(Generic[ItemT]):
    def __init__(self, write: Callable[[list[ItemT]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[ItemT, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: ItemT) -> None:
        """Write ``item`` with whatever else is waiting; return when it is written."""
        written = asyncio.get_running_loop().create_future()
        self._waiting.append((item, written))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="group commit")
        await written

    async def idle(self) -> None:
        """Until nothing is being written (a caller cancelled meanwhile has its item written
        all the same: it was sent, so it must be recorded)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write([item for item, _ in batch])
            except Exception as error:
                for _, written in batch:
                    if not written.done():
                        written.set_exception(error)
            else:
                for _, written in batch:
                    if not written.done():
                        written.set_result(None)
