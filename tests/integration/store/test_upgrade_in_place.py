"""A SQLite database written by the release before the store was split (``ab16507``) opens,
migrates and works with today's ``Store``: its subscriptions, threads and outbox read back, its
leftover claim is released, and a poll's commit lands on it.

The file is ``tests/fixtures/store/release-ab16507.db``, made by ``make_release_db.py`` beside
it (which says what it holds)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.detect.feed_health import FeedHealth
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import MessageRef, Target
from bot.store import Store

RELEASE_DB = Path(__file__).parents[2] / "fixtures" / "store" / "release-ab16507.db"
WRITTEN_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER = WRITTEN_AT + timedelta(hours=1)
SLACK = Target("slack", "C0ALERTS", "T0TEAM")
DISCORD = Target("discord", "111222333", "999888777")
INCIDENT = "twtqgbh8rf3j"
STARTED = f"incident:{INCIDENT}:started"
UPDATED = f"incident:{INCIDENT}:update:1"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    copy = tmp_path / "bot.db"
    shutil.copyfile(RELEASE_DB, copy)
    opened = Store.open(f"sqlite+aiosqlite:///{copy}")
    await opened.migrate()
    await opened.migrate()  # a second start changes nothing
    yield opened
    await opened.close()


async def test_subscriptions_and_threads_read_back(store: Store) -> None:
    subscriptions = await store.active_subscriptions()
    slack = await store.subscription(SLACK)

    assert [(s.target, s.components, s.source) for s in subscriptions] == [
        (SLACK, ("k8w3r06qmzrp",), "chat"),
        (DISCORD, (), "chat"),
    ]
    assert slack is not None
    assert slack.created_by == "U0ADMIN"
    assert await store.thread_root(SLACK, f"incident:{INCIDENT}") == MessageRef(
        "C0ALERTS", "1764590400.000100"
    )
    assert await store.thread_root(DISCORD, f"incident:{INCIDENT}") is None


async def test_poll_state_reads_back(store: Store) -> None:
    snapshot = await store.load_snapshot()

    assert snapshot is not None
    assert [i.id for i in snapshot.open_incidents] == [INCIDENT]
    assert await store.load_health() == FeedHealth()


async def test_the_outbox_reads_back_and_its_leftover_claim_is_released(store: Store) -> None:
    assert await store.delivery_outcome(STARTED, SLACK, Action.POST) == ("sent", 1, None)
    assert await store.pending_count() == 2
    # The Discord root is held by a replica that died; a single process starting up forgets it.
    assert await store.release_claims() == 1

    heads = await store.claim_due(LATER, 10, skip=(), owner="today", lease=timedelta(seconds=60))

    assert [(h.event_id, h.action, h.target) for h in heads] == [
        (STARTED, Action.POST, DISCORD),
        (UPDATED, Action.REPLY, SLACK),
    ]
    assert heads[1].notice.text == "The issue has been identified."
    assert heads[1].notice.thread_key == f"incident:{INCIDENT}"
    await store.mark_sent(heads[0], MessageRef("111222333", "5550001"), LATER)
    assert await store.thread_root(DISCORD, f"incident:{INCIDENT}") == MessageRef(
        "111222333", "5550001"
    )


async def test_a_poll_commits_on_it(store: Store) -> None:
    snapshot = await store.load_snapshot()
    resolved = f"incident:{INCIDENT}:resolved"
    notice = Notice(
        NoticeKind.INCIDENT_RESOLVED, "Elevated errors", Severity.MINOR, "resolved", "", LATER
    )

    async def commit() -> int:
        return await store.commit_poll(
            snapshot=snapshot,
            health=FeedHealth(consecutive_failures=0),
            events=[(resolved, "incident_resolved", {"incident": INCIDENT})],
            deliveries=[Delivery(resolved, Action.BROADCAST, SLACK, notice)],
            now=LATER,
            extra_state={"early_warning": {"raised": []}},
        )

    assert await commit() == 1
    assert await commit() == 0  # a repeat queues nothing
    assert await store.pending_count() == 3
    assert await store.load_state("early_warning") == {"raised": []}
    assert await store.load_snapshot() == snapshot
    assert await store.delivery_outcome(resolved, SLACK, Action.BROADCAST) == ("pending", 0, None)
