"""The outbox at scale: heads claimed in one statement go to exactly one owner, a channel's
next row becomes its head once the previous one is recorded, a dead owner's claims run out,
a paced platform keeps to its rate, and many channels drain in order with each row sent
once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.clock import utc_now
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import MessageRef, Target
from bot.pacing import Pacer
from bot.store import Store
from bot.store import tables as t
from tests.integration.helpers import RecordingChat

LEASE = timedelta(seconds=15)


def notice(text: str) -> Notice:
    return Notice(
        NoticeKind.INCIDENT_UPDATED,
        "Elevated errors",
        Severity.MINOR,
        "investigating",
        text,
        utc_now(),
        thread_key=None,
    )


def rows(targets: list[Target], per_channel: int) -> list[Delivery]:
    return [
        Delivery(f"incident:x:update:{n}", Action.POST, target, notice(f"{target.channel} {n}"))
        for n in range(per_channel)
        for target in targets
    ]


async def open_store(url: str) -> Store:
    store = Store.open(url)
    await store.migrate()
    return store


async def test_each_due_head_is_claimed_by_exactly_one_owner(database_url: str) -> None:
    store = await open_store(database_url)
    targets = [Target("slack" if n % 2 else "discord", f"C{n}", "T1") for n in range(40)]
    assert await store.queue(rows(targets, 2), utc_now()) == 80
    assert await store.queue(rows(targets, 2), utc_now()) == 0  # repeats are not counted
    now = utc_now()
    first, second = await asyncio.gather(
        store.claim_due(now, 30, skip=[], owner="one", lease=LEASE),
        store.claim_due(now, 30, skip=[], owner="two", lease=LEASE),
    )
    rest = await store.claim_due(now, 100, skip=[], owner="three", lease=LEASE)
    await store.close()
    claimed = [r.target.key for r in first + second + rest]
    assert sorted(claimed) == sorted(t.key for t in targets)  # every channel's head, once
    assert {r.notice.text.split()[1] for r in first + second + rest} == {"0"}  # heads only


async def test_claims_skip_busy_channels_and_pick_a_platform(database_url: str) -> None:
    store = await open_store(database_url)
    targets = [Target("discord" if n < 5 else "slack", f"C{n}", "G1") for n in range(10)]
    await store.queue(rows(targets, 1), utc_now())
    now = utc_now()
    discord = await store.claim_due(now, 3, skip=[], owner="me", lease=LEASE, platform="discord")
    others = await store.claim_due(
        now, 100, skip=[targets[9].key], owner="me", lease=LEASE, skip_platforms=["discord"]
    )
    await store.close()
    assert [r.target.channel for r in discord] == ["C0", "C1", "C2"]  # longest due first
    assert sorted(r.target.channel for r in others) == ["C5", "C6", "C7", "C8"]


async def test_a_channels_next_row_is_its_head_once_the_previous_is_sent(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    a = Target("slack", "CA", "T1")
    await store.queue(rows([a], 3), utc_now())
    sent = []
    while True:
        claimed = await store.claim_due(utc_now(), 10, skip=[], owner="me", lease=LEASE)
        again = await store.claim_due(utc_now(), 10, skip=[], owner="other", lease=LEASE)
        if not claimed:
            break
        assert again == []  # one head per channel, and it is ours until recorded
        [head] = claimed
        await store.mark_sent(head, MessageRef("CA", str(len(sent))), utc_now())
        sent.append(head.notice.text)
    root = await store.thread_root(a, "incident:x")
    pending = await store.pending_count()
    await store.close()
    assert sent == ["CA 0", "CA 1", "CA 2"]
    assert pending == 0
    assert root is None  # these rows start no thread


async def test_a_root_records_its_thread_and_a_new_root_replaces_it(database_url: str) -> None:
    store = await open_store(database_url)
    a = Target("slack", "CA", "T1")
    root = Notice(
        NoticeKind.INCIDENT_STARTED,
        "x",
        Severity.MINOR,
        "investigating",
        "",
        utc_now(),
        thread_key="t:1",
    )
    await store.queue([Delivery("incident:x:started", Action.POST, a, root)], utc_now())
    [head] = await store.claim_due(utc_now(), 10, skip=[], owner="me", lease=LEASE)
    await store.mark_sent(head, MessageRef("CA", "1.1"), utc_now())
    first = await store.thread_root(a, "t:1")
    await store.set_thread(a, "t:1", MessageRef("CA", "2.2"), utc_now())
    second = await store.thread_root(a, "t:1")
    await store.close()
    assert first == MessageRef("CA", "1.1")
    assert second == MessageRef("CA", "2.2")


async def test_a_dead_owners_claims_run_out_and_a_live_owner_keeps_its_own(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    targets = [Target("slack", f"C{n}", "T1") for n in range(2)]
    await store.queue(rows(targets, 1), utc_now())
    start = utc_now()
    claimed = await store.claim_due(start, 10, skip=[], owner="dead", lease=LEASE)
    assert len(claimed) == 2
    later = start + LEASE - timedelta(seconds=1)
    assert await store.claim_due(later, 10, skip=[], owner="live", lease=LEASE) == []
    assert await store.renew_claims("dead", later, LEASE) == 2  # while it lived
    expired = later + LEASE + timedelta(seconds=1)
    taken = await store.claim_due(expired, 10, skip=[], owner="live", lease=LEASE)
    released = await store.release_claims("live")
    retaken = await store.claim_due(expired, 10, skip=[], owner="next", lease=LEASE)
    await store.close()
    assert len(taken) == 2
    assert released == 2
    assert len(retaken) == 2


async def test_a_pacer_keeps_to_its_window() -> None:
    pacer = Pacer(5, 0.2)
    started = time.monotonic()
    starts = []
    for _ in range(12):
        async with pacer.turn():
            starts.append(time.monotonic() - started)
    assert starts[4] < 0.1  # the first five at once
    assert starts[5] >= 0.19  # then five per window
    assert starts[10] >= 0.39
    assert all(b - a >= 0.19 for a, b in zip(starts, starts[5:], strict=False))


async def test_a_send_in_flight_holds_its_place_until_its_answer() -> None:
    """A window counts from each send's answer: a slow send's late arrival at the platform
    cannot share a window with the next sends."""
    pacer = Pacer(2, 0.1)
    answered = asyncio.Event()
    ends: list[float] = []

    async def slow_send() -> None:
        async with pacer.turn():
            await answered.wait()
        ends.append(time.monotonic())

    slow = [asyncio.create_task(slow_send()) for _ in range(2)]
    third = asyncio.create_task(pacer.turn().__aenter__())
    await asyncio.sleep(0.3)  # longer than the window: both places still held
    assert not third.done()
    answered.set()
    await asyncio.gather(*slow)
    await third
    assert time.monotonic() - min(ends) >= 0.099


async def test_many_channels_drain_in_order_each_row_once_with_two_dispatchers(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    targets = [Target("slack", f"C{n:03d}", "T1") for n in range(150)]
    await store.queue(rows(targets, 3), utc_now())
    chat = RecordingChat(delay=0.001)
    dispatchers = [
        Dispatcher(store, {"slack": chat}, utc_now, Metrics(), owner=f"replica{n}")
        for n in range(2)
    ]
    await asyncio.gather(*(d.drain(timeout=60) for d in dispatchers))
    pending = await store.pending_count()
    await store.close()
    texts = [s.notice.text for s in chat.sent]
    assert pending == 0
    assert Counter(texts) == Counter(f"C{n:03d} {k}" for n in range(150) for k in range(3))
    for target in targets:
        assert [s.notice.text for s in chat.to(target)] == [
            f"{target.channel} {k}" for k in range(3)
        ]


@pytest.mark.postgres
async def test_claims_work_on_psycopg_too(postgres_url: str) -> None:
    store = await open_store(postgres_url.replace("+asyncpg", "+psycopg"))
    a = Target("discord", "1", "2")
    assert await store.queue(rows([a], 2), utc_now()) == 2
    [head] = await store.claim_due(utc_now(), 5, skip=[], owner="me", lease=LEASE)
    await store.mark_sent(head, MessageRef("1", "9"), utc_now())
    [following] = await store.claim_due(utc_now(), 5, skip=[], owner="me", lease=LEASE)
    renewed = await store.renew_claims("me", utc_now(), LEASE)
    released = await store.release_claims("me")
    await store.close()
    assert store.engine.dialect.driver == "psycopg"
    assert following.notice.text == "1 1"
    assert (renewed, released) == (1, 1)


@pytest.mark.postgres
async def test_a_head_recorded_as_sent_while_a_claim_reaches_it_is_not_claimed(
    postgres_url: str,
) -> None:
    """The race behind a notice sent twice by two replicas: one reads a row as a due head,
    while the replica that held it records it sent (its claim cleared); the row must not then
    be claimed and sent again. Here the recording is a transaction left open on the row until
    the claim either waits for it or has finished without it."""
    store = await open_store(postgres_url)
    await store.queue(rows([Target("slack", "C1", "T1")], 1), utc_now())
    [head] = await store.due_heads(utc_now())
    async with store.engine.connect() as recording, store.engine.connect() as watching:
        await recording.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == head.id)
            .values(state="sent", claimed_by=None, claimed_until=None)
        )
        claim = asyncio.create_task(
            store.claim_due(utc_now(), 10, skip=[], owner="late", lease=LEASE)
        )
        waiting = (
            sa.select(sa.func.count())
            .where(sa.text("datname = current_database() AND wait_event_type = 'Lock'"))
            .select_from(sa.text("pg_stat_activity"))
        )
        for _ in range(500):
            if claim.done() or (await watching.execute(waiting)).scalar_one():
                break
            await asyncio.sleep(0.01)
        await recording.commit()
        claimed = await claim
    await store.close()
    assert claimed == []
