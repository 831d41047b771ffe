"""Group commit: callers arriving while a write runs share the next write; each returns once
its own item is written, or raises what its write raised."""

from __future__ import annotations

import asyncio

import pytest

from bot.group_commit import GroupCommit


class Writes:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.fail_batch: int | None = None

    async def __call__(self, items: list[int]) -> None:
        self.batches.append(items)
        await self.release.wait()
        if self.fail_batch == len(self.batches) - 1:
            raise RuntimeError("database away")


async def test_callers_during_a_write_share_the_next_one() -> None:
    writes = Writes()
    group = GroupCommit(writes)
    first = asyncio.create_task(group.add(1))
    await asyncio.sleep(0)
    later = [asyncio.create_task(group.add(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    assert writes.batches == [[1]]
    assert not first.done()
    writes.release.set()
    await asyncio.gather(first, *later)
    assert writes.batches == [[1], [2, 3, 4]]


async def test_a_failed_write_fails_its_own_callers_only() -> None:
    writes = Writes()
    writes.fail_batch = 0
    group = GroupCommit(writes)
    first = asyncio.create_task(group.add(1))
    await asyncio.sleep(0)
    second = asyncio.create_task(group.add(2))
    writes.release.set()
    with pytest.raises(RuntimeError, match="database away"):
        await first
    await second
    assert writes.batches == [[1], [2]]


async def test_a_cancelled_caller_is_written_all_the_same() -> None:
    writes = Writes()
    group = GroupCommit(writes)
    first = asyncio.create_task(group.add(1))
    await asyncio.sleep(0)
    second = asyncio.create_task(group.add(2))
    await asyncio.sleep(0)
    second.cancel()
    writes.release.set()
    await first
    await group.idle()
    assert writes.batches == [[1], [2]]
