"""The dispatcher: drains the outbox, one worker per channel, so a slow or failing channel
never holds back the others, while each channel still gets its notices strictly in order.

Transient errors wait (the platform's Retry-After when it gave one, else exponential backoff
with jitter) and retry; a permanent error disables that channel's subscription and says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from bot.clock import Clock
from bot.metrics import Metrics
from bot.notices import Action
from bot.ports import (
    ChatAdapter,
    MessageRef,
    PermanentDeliveryError,
    ThreadGoneError,
    TransientDeliveryError,
)
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 40
CLAIM_LEASE: Final = timedelta(seconds=60)
BACKOFF_CAP_SECONDS: Final = 300.0
MAX_PARALLEL_CHANNELS: Final = 64
IDLE_WAKE_SECONDS: Final = 5.0


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 … seconds, capped, with up to 25 % jitter so channels do not retry in step."""
    base = min(BACKOFF_CAP_SECONDS, 2.0 ** max(0, attempts))
    return base * (1 + random.random() * 0.25)  # noqa: S311 - jitter, not security


class Dispatcher:
    def __init__(
        self,
        store: Store,
        adapters: Mapping[str, ChatAdapter],
        clock: Clock,
        metrics: Metrics,
        owner: str = "",
    ) -> None:
        self._store = store
        self._adapters = adapters  # filled in by the composition root once adapters exist
        self._clock = clock
        self._metrics = metrics
        self._owner = owner or uuid.uuid4().hex
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._limit = asyncio.Semaphore(MAX_PARALLEL_CHANNELS)

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.start_due()
            except Exception:  # the database may be briefly away; keep going
                log.exception("dispatcher round failed; retrying")
            timeout = await self._sleep_for()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()

    async def start_due(self) -> None:
        """Start a worker for every channel with a due notice and none running."""
        for head in await self._store.due_heads(self._clock()):
            key = head.target.key
            if key not in self._busy:
                task = asyncio.create_task(
                    self._channel_worker(head), name=f"deliver {head.target}"
                )
                self._busy[key] = task
                task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        for key, running in list(self._busy.items()):
            if running is task:
                del self._busy[key]

    async def drain(self, timeout: float = 30.0) -> None:
        """Deliver everything due now and wait for it (``watch`` shutdown, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await self.start_due()
            if not self._busy:
                return
            await asyncio.wait(list(self._busy.values()), timeout=max(0.0, deadline - loop.time()))

    async def close(self) -> None:
        for task in list(self._busy.values()):
            task.cancel()
        await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def _sleep_for(self) -> float:
        due = await self._store.next_due_at()
        if due is None:
            return IDLE_WAKE_SECONDS
        return min(IDLE_WAKE_SECONDS, max(0.05, (due - self._clock()).total_seconds()))

    async def _channel_worker(self, head: OutboxRow) -> None:
        row: OutboxRow | None = head
        async with self._limit:
            while row is not None:
                delivered = await self._deliver(row)
                if not delivered:
                    return  # waiting for a retry, or the channel is disabled
                heads = await self._store.due_heads(self._clock())
                row = next((h for h in heads if h.target.key == head.target.key), None)

    async def _deliver(self, row: OutboxRow) -> bool:
        adapter = self._adapters.get(row.target.platform)
        now = self._clock()
        if not await self._store.claim(row, self._owner, now, CLAIM_LEASE):
            return False  # another replica is sending it
        if adapter is None:
            await self._store.mark_retry(
                row, f"no {row.target.platform} adapter is configured", now + timedelta(seconds=60)
            )
            return False
        try:
            ref = await self._send(adapter, row)
        except TransientDeliveryError as error:
            return await self._retry(row, str(error), error.retry_after)
        except PermanentDeliveryError as error:
            log.warning("alerts to %s disabled: %s", row.target, error.reason)
            await self._store.mark_dead(row, error.reason)
            await self._store.unsubscribe(row.target, error.reason, self._clock())
            self._count(row, "failed")
            return False
        except Exception as error:  # an adapter bug must not kill the dispatcher
            log.exception("unexpected error delivering %s to %s", row.event_id, row.target)
            return await self._retry(row, f"{type(error).__name__}: {error}", None)
        await self._store.mark_sent(row, ref, self._clock())
        self._count(row, "sent")
        log.info("delivered %s (%s) to %s", row.event_id, row.action.value, row.target)
        return True

    async def _send(self, adapter: ChatAdapter, row: OutboxRow) -> MessageRef | None:
        target, notice = row.target, row.notice
        if row.action is Action.POST or notice.thread_key is None:
            return await adapter.post(target, notice)
        root = await self._store.thread_root(target, notice.thread_key)
        if row.action is Action.EDIT:
            if root is None:
                return None  # nothing was posted to edit
            try:
                await adapter.edit(target, root, notice)
            except ThreadGoneError:
                log.info(
                    "thread root for %s in %s is gone; nothing to edit", notice.thread_key, target
                )
            return None
        if root is not None:
            try:
                return await adapter.reply(
                    target, root, notice, broadcast=row.action is Action.BROADCAST
                )
            except ThreadGoneError:
                log.info(
                    "thread root for %s in %s was deleted; starting a new one",
                    notice.thread_key,
                    target,
                )
        ref = await adapter.post(target, notice)
        await self._store.set_thread(target, notice.thread_key, ref, self._clock())
        return ref

    async def _retry(self, row: OutboxRow, error: str, retry_after: float | None) -> bool:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            log.error(
                "giving up on %s to %s after %d attempts: %s",
                row.event_id,
                row.target,
                row.attempts + 1,
                error,
            )
            await self._store.mark_dead(row, error)
            self._count(row, "failed")
            return False
        wait = retry_after if retry_after is not None else backoff_seconds(row.attempts)
        log.warning("will retry %s to %s in %.1fs: %s", row.event_id, row.target, wait, error)
        await self._store.mark_retry(row, error, self._clock() + timedelta(seconds=wait))
        self._count(row, "retried")
        return False

    def _count(self, row: OutboxRow, outcome: str) -> None:
        self._metrics.deliveries.labels(row.target.platform, outcome).inc()
