"""Each try of a delivery tells the adapter which delivery it is and whether an earlier try
may already have posted it (``Attempt``): the outbox records a try when it claims the row,
before the call, and forgets it only when an answer says nothing was posted."""

from __future__ import annotations

from datetime import timedelta

from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.deliveries import delivery_key
from bot.notify.notices import Action, NoticeKind
from bot.notify.ports import SentBeforeError, TransientDeliveryError
from bot.store import Store
from tests.integration.helpers import ManualClock, RecordingChat
from tests.integration.test_dispatcher import A, B, open_store, thread_for


async def deliver(store: Store, chat: RecordingChat, clock: ManualClock) -> None:
    await Dispatcher(store, {"slack": chat}, clock, Metrics()).drain(timeout=2)


async def test_every_try_carries_its_delivery_and_each_delivery_its_own(
    database_url: str,
) -> None:
    store, clock = await open_store(database_url), ManualClock()
    await store.queue(thread_for(A, 1) + thread_for(B, 0), clock())
    chat = RecordingChat(fail_next=[TransientDeliveryError("timed out")])
    await deliver(store, chat, clock)
    clock.advance(seconds=10)
    await deliver(store, chat, clock)
    await store.close()
    start = delivery_key("incident:x:started", A, Action.POST)
    assert [a.delivery for a in chat.attempts].count(start) == 2  # the failed try, and again
    keys = [s.attempt.delivery for s in chat.sent if s.attempt]
    assert len(keys) == len(set(keys)) == 5  # A: start, update, resolution; B: start, resolution
    assert all(len(k) == 24 and int(k, 16) >= 0 for k in keys)


async def test_a_try_that_got_no_answer_leaves_the_next_one_looking(database_url: str) -> None:
    store, clock = await open_store(database_url), ManualClock()
    await store.queue(thread_for(A, 0)[:1], clock())
    tried_at = clock()
    chat = RecordingChat(fail_next=[TransientDeliveryError("timed out")] * 2)
    await deliver(store, chat, clock)
    for _ in range(2):
        clock.advance(seconds=10)
        await deliver(store, chat, clock)
    await store.close()
    assert [a.maybe_sent_at for a in chat.attempts] == [None, tried_at, tried_at]
    assert len(chat.sent) == 1


async def test_a_rate_limited_first_try_leaves_the_next_one_a_first_try(
    database_url: str,
) -> None:
    store, clock = await open_store(database_url), ManualClock()
    await store.queue(thread_for(A, 0)[:1], clock())
    chat = RecordingChat(
        fail_next=[
            TransientDeliveryError("timed out"),  # may have posted: the next try looks ...
            TransientDeliveryError("rate limited", retry_after=1),  # ... and met a limit
            TransientDeliveryError("rate limited", retry_after=1),
        ]
    )
    tried_at = clock()
    for _ in range(4):
        await deliver(store, chat, clock)
        clock.advance(seconds=10)
    await store.queue(thread_for(B, 0)[:1], clock())
    limited = RecordingChat(fail_next=[TransientDeliveryError("rate limited", retry_after=1)])
    for _ in range(2):
        await deliver(store, limited, clock)
        clock.advance(seconds=10)
    await store.close()
    # A timed-out try stays one that may have posted through later rate limits...
    assert [a.maybe_sent_at for a in chat.attempts] == [None, tried_at, tried_at, tried_at]
    # ... while a first try that met a rate limit posted nothing: the next is a first try.
    assert [a.maybe_sent_at for a in limited.attempts] == [None, None]


async def test_a_row_claimed_by_a_process_that_died_is_tried_as_maybe_posted(
    database_url: str,
) -> None:
    store, clock = await open_store(database_url), ManualClock()
    await store.queue(thread_for(A, 0)[:1], clock())
    [head] = await store.due_heads(clock())
    died_at = clock()
    assert await store.claim(head, "process-that-died", died_at, timedelta(seconds=15))
    clock.advance(seconds=16)
    chat = RecordingChat()
    await deliver(store, chat, clock)
    await store.close()
    [attempt] = chat.attempts
    assert attempt.maybe_sent_at == died_at


async def test_a_delivery_posted_before_and_deleted_since_is_recorded_not_repeated(
    database_url: str,
) -> None:
    store, clock = await open_store(database_url), ManualClock()
    await store.queue(thread_for(A, 1), clock())
    chat = RecordingChat(fail_next=[SentBeforeError("deleted since")])
    await deliver(store, chat, clock)
    outcome = await store.delivery_outcome("incident:x:started", A, Action.POST)
    root = await store.thread_root(A, "incident:x")
    await store.close()
    assert outcome == ("sent", 1, None)
    assert root is not None  # the update, with no root to reply to, started a new thread
    assert [(s.action, s.notice.kind) for s in chat.sent] == [
        ("post", NoticeKind.INCIDENT_UPDATED),
        ("reply", NoticeKind.INCIDENT_RESOLVED),
        ("edit", NoticeKind.INCIDENT_STARTED),
    ]
