"""The dispatcher: drains the outbox, one worker per channel, so a slow or failing channel
never holds back the others, while each channel still gets its notices strictly in order.

Transient errors wait (the platform's Retry-After when it gave one, else exponential backoff
with jitter) and retry; a permanent error disables that channel's subscription and says why.

Each row is claimed before it is sent (several replicas may share the database); a claim is
renewed while this process lives and runs out ``CLAIM_LEASE`` after it dies. A platform with a
limit across all its channels (Discord: 50 requests per second per bot) is paced (``pacing``),
by every replica together on PostgreSQL; what was sent is recorded by group commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from bot.clock import Clock
from bot.group_commit import GroupCommit
from bot.metrics import Metrics
from bot.notify.notices import Action
from bot.notify.ports import (
    ChatAdapter,
    MessageRef,
    PermanentDeliveryError,
    SentBeforeError,
    ThreadGoneError,
    TransientDeliveryError,
)
from bot.pacing import PLATFORM_PACE, platform_pacer
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 40
CLAIM_LEASE: Final = timedelta(seconds=15)
CLAIM_RENEW_SECONDS: Final = 5.0
BACKOFF_CAP_SECONDS: Final = 300.0
MAX_PARALLEL_CHANNELS: Final = 100
PACED_WORKERS: Final = 50
"""Workers at once for one paced platform: as many as its window admits (Discord's 50), so a
whole window's sends start together when it opens; the other half of the places stays with
the other platforms' channels."""
IDLE_WAKE_SECONDS: Final = 5.0
BUSY_WAKE_SECONDS: Final = 1.0


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
        pace: Mapping[str, tuple[int, float]] = PLATFORM_PACE,
    ) -> None:
        self._store = store
        self._adapters = adapters  # filled in by the composition root once adapters exist
        self._clock = clock
        self._metrics = metrics
        self._owner = owner or uuid.uuid4().hex
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._platform_of: dict[str, str] = {}
        self._ended = 0  # workers ended so far
        self._starting = asyncio.Lock()
        window = store if store.shared else None  # PostgreSQL: replicas share the windows
        self._pacers = {p: platform_pacer(p, *limit, window) for p, limit in pace.items()}
        self._sent: GroupCommit[tuple[OutboxRow, MessageRef | None]] = GroupCommit(
            lambda sent: self._store.mark_sent_many(sent, self._clock())
        )

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        renewing = asyncio.create_task(self._renew_claims(), name="renew delivery claims")
        try:
            while True:
                try:
                    await self.start_due()
                    timeout = await self._sleep_for()
                except Exception:  # the database may be briefly away; keep going
                    log.exception("dispatcher round failed; retrying")
                    timeout = 1.0
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
                self._wake.clear()
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)

    async def _renew_claims(self) -> None:
        while True:
            await asyncio.sleep(CLAIM_RENEW_SECONDS)
            if not self._busy:
                continue
            try:
                await self._store.renew_claims(self._owner, self._clock(), CLAIM_LEASE)
            except Exception:
                log.warning("could not renew delivery claims; retrying in %gs", CLAIM_RENEW_SECONDS)

    async def start_due(self) -> None:
        """Start a worker for each channel with a due notice and none running, oldest first,
        up to ``MAX_PARALLEL_CHANNELS`` workers in all. A worker that ends frees its place
        and wakes the loop, which then starts the next channels."""
        async with self._starting:
            free = MAX_PARALLEL_CHANNELS - len(self._busy)
            if free <= 0:
                return
            running = Counter(self._platform_of.values())
            claim = functools.partial(
                self._store.claim_due,
                self._clock(),
                skip=list(self._busy),
                owner=self._owner,
                lease=CLAIM_LEASE,
            )
            # A paced platform's channels first, sending before the others are claimed: its
            # limit is what a big fan-out waits for; the others share the places left.
            for platform in self._pacers:
                room = min(free, PACED_WORKERS - running[platform])
                if room > 0:
                    heads = await claim(room, platform=platform)
                    free -= len(heads)
                    await self._start(heads)
            if free > 0:
                await self._start(await claim(free, skip_platforms=list(self._pacers)))

    async def _start(self, heads: list[OutboxRow]) -> None:
        """A worker per head, one per turn of the loop, each sending while the next starts:
        started all at once, every send would wait for all their first steps (a few ms each,
        a hundred of them), and the first channel hear only once the last worker started."""
        for head in heads:
            key = head.target.key
            if key not in self._busy:
                task = asyncio.create_task(self._deliver(head), name=f"deliver {head.target}")
                self._busy[key] = task
                self._platform_of[key] = head.target.platform
                task.add_done_callback(self._forget)
                await asyncio.sleep(0)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._ended += 1
        for key, running in list(self._busy.items()):
            if running is task:
                del self._busy[key]
                self._platform_of.pop(key, None)
        self._wake.set()  # a place is free: other channels may be waiting for one

    async def drain(self, timeout: float = 30.0) -> None:
        """Deliver everything due now and wait for it (``watch`` shutdown, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            ended = self._ended
            await self.start_due()
            if not self._busy:
                if self._ended == ended:
                    return  # nothing running, and no worker ended while we looked for more
                continue
            await asyncio.wait(
                list(self._busy.values()),
                timeout=max(0.0, deadline - loop.time()),
                return_when=asyncio.FIRST_COMPLETED,
            )

    async def close(self) -> None:
        for task in list(self._busy.values()):
            task.cancel()
        await asyncio.gather(*self._busy.values(), return_exceptions=True)
        for pacer in self._pacers.values():  # other replicas need not wait out our sends
            await pacer.close()
        await self._sent.idle()
        try:  # what this process claimed and did not send: another replica may take it now
            await self._store.release_claims(self._owner)
        except Exception:
            log.warning("could not release this dispatcher's claims; they expire on their own")

    async def _sleep_for(self) -> float:
        """Until the next row falls due. Rows due already are with a worker, or wait for a
        place, and a worker that ends wakes the loop: no need to look for them on a timer,
        nor, while workers run, for rows due later (the next worker to end looks)."""
        if self._busy:
            return BUSY_WAKE_SECONDS
        now = self._clock()
        due = await self._store.next_due_at(after=now)
        if due is None:
            return IDLE_WAKE_SECONDS
        return min(IDLE_WAKE_SECONDS, max(0.05, (due - now).total_seconds()))

    async def _deliver(self, row: OutboxRow) -> None:
        """One channel's worker: send its claimed row and record how it went. It then ends,
        and the loop, woken, claims the channel's next row with every other channel's: one
        transaction for many heads, not one per channel to ask whether it has more."""
        adapter = self._adapters.get(row.target.platform)
        if adapter is None:
            await self._store.mark_retry(
                row,
                f"no {row.target.platform} adapter is configured",
                self._clock() + timedelta(seconds=60),
            )
            return
        pacer = self._pacers.get(row.target.platform)
        try:
            if pacer is None:
                ref = await self._send(adapter, row)
            else:
                async with pacer.turn():
                    ref = await self._send(adapter, row)
        except SentBeforeError:
            ref = None  # posted by an earlier try, and deleted since: nothing to thread under
        except TransientDeliveryError as error:
            await self._retry(row, str(error), error.retry_after)
            return
        except PermanentDeliveryError as error:
            log.warning("alerts to %s disabled: %s", row.target, error.reason)
            await self._store.mark_dead(row, error.reason)
            await self._store.unsubscribe(row.target, error.reason, self._clock())
            self._count(row, "failed")
            return
        except Exception as error:  # an adapter bug must not kill the dispatcher
            log.exception("unexpected error delivering %s to %s", row.event_id, row.target)
            await self._retry(row, f"{type(error).__name__}: {error}", None)
            return
        await self._sent.add((row, ref))
        self._count(row, "sent")
        log.info("%s notice sent to %s", row.notice.kind.value.replace("_", " "), row.target)

    async def _send(self, adapter: ChatAdapter, row: OutboxRow) -> MessageRef | None:
        target, attempt = row.target, row.attempt
        notice = await self._store.linked_to_earlier(target, row.notice)
        if row.action is Action.POST or notice.thread_key is None:
            return await adapter.post(target, notice, attempt)
        root = await self._store.thread_root(target, notice.thread_key)
        if row.action is Action.EDIT:
            if root is None:
                return None  # nothing was posted to edit
            try:
                await adapter.edit(target, root, notice)
            except ThreadGoneError:
                log.debug(
                    "thread root for %s in %s is gone; nothing to edit", notice.thread_key, target
                )
            return None
        if root is not None:
            try:
                return await adapter.reply(
                    target, root, notice, attempt, broadcast=row.action is Action.BROADCAST
                )
            except ThreadGoneError:
                log.debug(
                    "thread root for %s in %s was deleted; starting a new one",
                    notice.thread_key,
                    target,
                )
        ref = await adapter.post(target, notice, attempt)
        await self._store.set_thread(target, notice.thread_key, ref, self._clock())
        return ref

    async def _retry(self, row: OutboxRow, error: str, retry_after: float | None) -> None:
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
            return
        wait = retry_after if retry_after is not None else backoff_seconds(row.attempts)
        log.warning("will retry %s to %s in %.1fs: %s", row.event_id, row.target, wait, error)
        at = self._clock() + timedelta(seconds=wait)
        # Asked to wait, the platform took nothing: settled, unless an earlier try may have.
        settled = retry_after is not None and row.maybe_sent_at is None
        await self._store.mark_retry(row, error, at, settled=settled)
        self._count(row, "retried")

    def _count(self, row: OutboxRow, outcome: str) -> None:
        self._metrics.deliveries.labels(row.target.platform, outcome).inc()
