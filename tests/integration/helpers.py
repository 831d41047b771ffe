"""Building blocks the integration tests share: a wired poller and a recording chat fake."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify import routing
from bot.notify.notices import Notice
from bot.notify.ports import (
    Attempt,
    MessageRef,
    PermanentDeliveryError,
    ThreadGoneError,
    TransientDeliveryError,
)
from bot.notify.ports import Target as Target
from bot.poller import Poller
from bot.statuspage.client import FeedClient
from bot.store import Store

CONSOLE = Target(routing.CONSOLE, "stdout")


@dataclass
class Sent:
    action: str
    target: Target
    notice: Notice
    root: MessageRef | None = None
    broadcast: bool = False
    attempt: Attempt | None = None


@dataclass
class RecordingChat:
    """A stand-in chat platform behind the delivery port: records what it was asked to post
    and fails on command (``fail_next``: error instances raised by the next calls, in turn)."""

    sent: list[Sent] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    attempts: list[Attempt] = field(default_factory=list)
    """Every try of ``post`` and ``reply``, failed ones too."""
    delay: float = 0.0
    _ids: int = 0

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        self.attempts.append(attempt)
        await self._maybe_fail()
        self._ids += 1
        self.sent.append(Sent("post", target, notice, attempt=attempt))
        return MessageRef(target.channel, f"m{self._ids}")

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        self.attempts.append(attempt)
        await self._maybe_fail()
        if root.id in self.deleted:
            raise ThreadGoneError(root.id)
        self._ids += 1
        self.sent.append(Sent("reply", target, notice, root, broadcast, attempt))
        return MessageRef(target.channel, f"m{self._ids}")

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        await self._maybe_fail()
        self.sent.append(Sent("edit", target, notice, ref))

    async def _maybe_fail(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_next:
            raise self.fail_next.pop(0)

    def to(self, target: Target) -> list[Sent]:
        return [s for s in self.sent if s.target == target]


__all__ = [
    "CONSOLE",
    "PermanentDeliveryError",
    "RecordingChat",
    "Sent",
    "TransientDeliveryError",
    "Wired",
    "fresh_attempt",
    "wired",
]


@dataclass
class Wired:
    store: Store
    feed: FeedClient
    poller: Poller
    dispatcher: Dispatcher
    chat: RecordingChat


@asynccontextmanager
async def wired(
    database_url: str,
    page_url: str,
    chat: RecordingChat | None = None,
    lost_after: int = 3,
    default_components: tuple[str, ...] = (),
) -> AsyncIterator[Wired]:
    """A store, feed, poller and dispatcher as the app wires them, with ``chat`` behind the
    ``console`` and ``slack`` platforms."""
    chat = chat or RecordingChat()
    metrics = Metrics()
    store = Store.open(database_url)
    await store.migrate()
    feed = FeedClient(page_url, timeout=1.0)
    dispatcher = Dispatcher(store, {"console": chat, "slack": chat}, utc_now, metrics)
    poller = Poller(
        store,
        feed,
        source=page_url,
        lost_after=lost_after,
        clock=utc_now,
        metrics=metrics,
        default_components=default_components,
    )
    await poller.load()
    try:
        yield Wired(store, feed, poller, dispatcher, chat)
    finally:
        await dispatcher.close()
        await feed.close()
        await store.close()


def fresh_attempt(maybe_sent_at: datetime | None = None) -> Attempt:
    """A first try of a delivery no other test shares (a repeated key is a repeated message
    to Discord, which answers it with the first)."""
    return Attempt(uuid.uuid4().hex[:24], maybe_sent_at)


class ManualClock:
    """A clock the test moves by hand, for code that is handed ``clock()``."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 0, *, seconds: float = 0) -> None:
        self.now += timedelta(minutes=minutes, seconds=seconds)
