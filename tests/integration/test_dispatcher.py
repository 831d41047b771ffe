"""The outbox and the dispatcher: order per channel, retries, permanent errors, restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import utc_now
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import (
    Attempt,
    MessageRef,
    PermanentDeliveryError,
    Target,
    TransientDeliveryError,
)
from bot.store import Store
from tests.integration.helpers import RecordingChat

A = Target("slack", "CA", "T1")
B = Target("slack", "CB", "T1")


def notice(kind: NoticeKind, text: str, thread: str = "incident:x") -> Notice:
    return Notice(
        kind, "Elevated errors", Severity.MINOR, "investigating", text, utc_now(), thread_key=thread
    )


def thread_for(target: Target, n_updates: int = 2) -> list[Delivery]:
    rows = [
        Delivery(
            "incident:x:started", Action.POST, target, notice(NoticeKind.INCIDENT_STARTED, "start")
        )
    ]
    rows += [
        Delivery(
            f"incident:x:update:{n}",
            Action.REPLY,
            target,
            notice(NoticeKind.INCIDENT_UPDATED, f"u{n}"),
        )
        for n in range(n_updates)
    ]
    resolved = notice(NoticeKind.INCIDENT_RESOLVED, "resolved")
    rows.append(Delivery("incident:x:resolved:r", Action.BROADCAST, target, resolved))
    rows.append(
        Delivery(
            "incident:x:resolved:r",
            Action.EDIT,
            target,
            notice(NoticeKind.INCIDENT_STARTED, "start"),
        )
    )
    return rows


async def open_store(url: str) -> Store:
    store = Store.open(url)
    await store.migrate()
    for target in (A, B):
        await store.subscribe(target, (), "U1", "chat", utc_now())
    return store


async def test_a_thread_is_delivered_in_order_and_only_once(database_url: str) -> None:
    store = await open_store(database_url)
    chat = RecordingChat()
    queued = await store.queue(thread_for(A), utc_now())
    again = await store.queue(thread_for(A), utc_now())  # the same events detected twice
    dispatcher = Dispatcher(store, {"slack": chat}, utc_now, Metrics())
    await dispatcher.drain()
    await store.close()
    assert (queued, again) == (5, 0)
    assert [(s.action, s.notice.text) for s in chat.sent] == [
        ("post", "start"),
        ("reply", "u0"),
        ("reply", "u1"),
        ("reply", "resolved"),
        ("edit", "start"),
    ]
    assert chat.sent[3].broadcast
    assert all(s.root and s.root.id == "m1" for s in chat.sent[1:])


async def test_retry_after_is_honoured_and_other_channels_go_on(database_url: str) -> None:
    # The dispatcher's clock is moved on by hand, so the test does not depend on how fast
    # a loaded machine delivers: A waits out its Retry-After alone while B is delivered.
    store = await open_store(database_url)
    chat = RecordingChat()
    await store.queue(thread_for(A, 0), utc_now())
    chat.fail_next = [TransientDeliveryError("ratelimited", retry_after=60)]
    await store.queue(thread_for(B, 0), utc_now())
    skipped = timedelta(0)
    dispatcher = Dispatcher(store, {"slack": chat}, lambda: utc_now() + skipped, Metrics())
    started = utc_now()
    await dispatcher.drain(timeout=30)
    assert [s.target for s in chat.sent] == [B, B, B]
    retry_at = await store.next_due_at(after=utc_now())
    assert retry_at is not None
    assert retry_at >= started + timedelta(seconds=60)
    skipped = timedelta(seconds=61)
    runner = asyncio.create_task(dispatcher.run())
    for _ in range(400):
        if len(chat.to(A)) == 3:
            break
        await asyncio.sleep(0.05)
    runner.cancel()
    await dispatcher.close()
    await store.close()
    assert [s.action for s in chat.to(A)] == ["post", "reply", "edit"]


async def test_a_permanent_error_disables_the_channel_and_drops_its_queue(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    chat = RecordingChat(fail_next=[PermanentDeliveryError("channel_not_found")])
    await store.queue(thread_for(A), utc_now())
    dispatcher = Dispatcher(store, {"slack": chat}, utc_now, Metrics())
    await dispatcher.drain()
    subscribed = [s.target for s in await store.active_subscriptions()]
    pending = await store.pending_count()
    await store.close()
    assert chat.sent == []
    assert A not in subscribed
    assert B in subscribed
    assert pending == 0


async def test_a_deleted_root_starts_a_new_thread(database_url: str) -> None:
    store = await open_store(database_url)
    chat = RecordingChat()
    rows = thread_for(A, 1)
    await store.queue(rows[:1], utc_now())
    dispatcher = Dispatcher(store, {"slack": chat}, utc_now, Metrics())
    await dispatcher.drain()
    chat.deleted.add("m1")  # someone deleted the start notice in the channel
    await store.queue(rows[1:], utc_now())
    await dispatcher.drain()
    await store.close()
    assert [(s.action, s.notice.text) for s in chat.sent] == [
        ("post", "start"),
        ("post", "u0"),
        ("reply", "resolved"),
        ("edit", "start"),
    ]
    assert chat.sent[2].root is not None
    assert chat.sent[2].root.id == "m2"


async def test_pending_deliveries_survive_a_restart(database_url: str) -> None:
    store = await open_store(database_url)
    chat = RecordingChat()
    await store.queue(thread_for(A), utc_now())
    first = Dispatcher(store, {"slack": chat}, utc_now, Metrics())
    chat.fail_next = [TransientDeliveryError("503 upstream", retry_after=30)]
    chat.sent.clear()
    await first.drain(timeout=0.2)  # the start notice waits for its retry...
    await store.close()  # ...when the process dies
    store = Store.open(database_url)
    await store.queue(thread_for(A), utc_now())  # re-detected after the restart: ignored
    late = Dispatcher(store, {"slack": chat}, lambda: utc_now() + timedelta(seconds=31), Metrics())
    await late.drain()
    await store.close()
    assert [(s.action, s.notice.text) for s in chat.sent] == [
        ("post", "start"),
        ("reply", "u0"),
        ("reply", "u1"),
        ("reply", "resolved"),
        ("edit", "start"),
    ]


async def test_an_unexpected_adapter_error_is_retried_not_fatal(database_url: str) -> None:
    store = await open_store(database_url)
    chat = RecordingChat(fail_next=[RuntimeError("adapter bug")])
    await store.queue(thread_for(A, 0)[:1], utc_now())
    dispatcher = Dispatcher(store, {"slack": chat}, utc_now, Metrics())
    await dispatcher.drain(timeout=0.2)
    assert chat.sent == []
    runner = asyncio.create_task(dispatcher.run())
    for _ in range(100):
        if chat.sent:
            break
        await asyncio.sleep(0.05)
    runner.cancel()
    await dispatcher.close()
    await store.close()
    assert [s.action for s in chat.sent] == ["post"]


async def test_a_row_claimed_by_a_dead_replica_holds_its_channel_until_the_lease_ends(
    database_url: str,
) -> None:
    """Order over speed: the next notices of that channel wait behind the claimed one (never
    overtake it), other channels go on, and after the lease another replica sends it all."""
    store = await open_store(database_url)
    await store.queue(thread_for(A, 1), utc_now())
    await store.queue(thread_for(B, 0), utc_now())
    [head] = [h for h in await store.due_heads(utc_now()) if h.target == A]
    assert await store.claim(head, "replica-that-died", utc_now(), timedelta(seconds=60))
    chat = RecordingChat()
    await Dispatcher(store, {"slack": chat}, utc_now, Metrics(), owner="alive").drain(timeout=10)
    held = [s.target for s in chat.sent]
    later = Dispatcher(store, {"slack": chat}, lambda: utc_now() + timedelta(seconds=61), Metrics())
    await later.drain()
    await store.close()
    assert held == [B, B, B]
    assert [(s.action, s.notice.text) for s in chat.to(A)] == [
        ("post", "start"),
        ("reply", "u0"),
        ("reply", "resolved"),
        ("edit", "start"),
    ]


class Connecting(RecordingChat):
    """A chat whose post takes two turns of the loop (a connection, then the request), and
    which notes, as each post ends, which channels' posts had begun by then."""

    def __init__(self) -> None:
        super().__init__()
        self.begun: list[Target] = []
        self.begun_at_end: list[list[Target]] = []

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        self.begun.append(target)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        self.begun_at_end.append(list(self.begun))
        return await super().post(target, notice, attempt)


async def test_a_fan_out_sends_to_the_first_channels_while_the_others_start(
    database_url: str,
) -> None:
    """The first channel hears before the hundredth worker starts (started all at once, every
    send waited for all of their first steps), and the paced platform's sends go out before
    the other platforms' channels are even claimed: its limit is what a fan-out waits for."""
    store = Store.open(database_url)
    await store.migrate()
    discord = [Target("discord", str(n), "G1") for n in range(50)]
    slack = [Target("slack", f"C{n:03d}", "T1") for n in range(50)]
    started = notice(NoticeKind.INCIDENT_STARTED, "start")
    # Queued interleaved, as channels subscribe over time.
    fan_out = [t for pair in zip(slack, discord, strict=True) for t in pair]
    await store.queue(
        [Delivery("incident:x:started", Action.POST, t, started) for t in fan_out], utc_now()
    )
    chat = Connecting()
    await Dispatcher(store, {"discord": chat, "slack": chat}, utc_now, Metrics()).drain()
    await store.close()
    first = chat.begun_at_end[0]
    assert len(first) < 10
    assert all(t.platform == "discord" for t in first)
    assert sorted(s.target.channel for s in chat.sent) == sorted(t.channel for t in fan_out)
