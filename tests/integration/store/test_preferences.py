"""Channel preferences in the database: stored per channel, joined to the subscription, and
the incident threads a channel already has (posted or queued), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time, timedelta

from bot.clock import utc_now
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import MessageRef, Target
from bot.preferences import Preferences, QuietHours
from bot.store import Store

HERE = Target("slack", "C1", "T1")
THERE = Target("discord", "D1", "G1")


def root(thread_key: str) -> Notice:
    return Notice(
        NoticeKind.INCIDENT_STARTED,
        "Errors",
        Severity.MAJOR,
        "investigating",
        "…",
        utc_now(),
        thread_key=thread_key,
    )


async def test_preferences_round_trip_and_join_the_subscription(database_url: str) -> None:
    store = Store.open(database_url)
    await store.migrate()
    now = utc_now()
    await store.subscribe(HERE, [], "U1", "chat", now)
    await store.subscribe(THERE, [], "U2", "chat", now)
    quiet = QuietHours(time(22), time(7, 30), "Europe/Berlin")
    wanted = Preferences(impact="major", updates=False, warnings=False, quiet=quiet)
    await store.set_preferences(HERE, wanted, "U1", now)
    await store.set_preferences(HERE, wanted, "U1", now)  # again: an upsert, not a second row
    assert await store.preferences(HERE) == wanted
    assert await store.preferences(THERE) == Preferences()
    by_target = {s.target: s.preferences for s in await store.active_subscriptions()}
    assert by_target == {HERE: wanted, THERE: Preferences()}
    await store.close()


async def test_announced_counts_posted_and_queued_roots_not_dead_ones(database_url: str) -> None:
    store = Store.open(database_url)
    await store.migrate()
    now = utc_now()
    await store.queue(
        [
            Delivery("incident:a:started", Action.POST, HERE, root("incident:a")),
            Delivery("incident:b:started", Action.POST, THERE, root("incident:b")),
        ],
        now,
    )
    await store.set_thread(THERE, "incident:c", MessageRef("D1", "42"), now)
    announced = await store.announced(["incident:a", "incident:c", "incident:z"])
    assert announced == {(HERE.key, "incident:a"), (THERE.key, "incident:c")}
    assert await store.announced([]) == frozenset()
    await store.unsubscribe(HERE, "gone", now)  # its pending rows die
    assert await store.announced(["incident:a"]) == frozenset()
    await store.close()


async def test_held_rows_are_released_once_after_their_time(database_url: str) -> None:
    store = Store.open(database_url)
    await store.migrate()
    now = utc_now()
    end = now + timedelta(hours=1)
    held = [
        Delivery(f"incident:a:{n}", Action.POST, HERE, root("incident:a"), end, held=True)
        for n in range(3)
    ]
    await store.queue(held, now)
    assert await store.pending_count() == 0  # never sent on their own
    seen: list[list[str]] = []

    def build(rows: list[Delivery]) -> list[Delivery]:
        seen.append([r.event_id for r in rows])
        return [Delivery("digest:1", Action.POST, HERE, root("digest"))]

    assert await store.release_held(now, build) == 0
    assert seen == []
    assert await store.release_held(end, build) == 1
    assert seen == [["incident:a:0", "incident:a:1", "incident:a:2"]]
    assert await store.pending_count() == 1
    assert await store.release_held(end + timedelta(hours=1), build) == 0  # told once
    await store.close()


async def test_quiet_off_releases_and_unsubscribe_drops_held_rows(database_url: str) -> None:
    store = Store.open(database_url)
    await store.migrate()
    now = utc_now()
    later = now + timedelta(hours=8)
    for target in (HERE, THERE):
        await store.queue(
            [
                Delivery(
                    "incident:a:started", Action.POST, target, root("incident:a"), later, held=True
                )
            ],
            now,
        )
    await store.set_preferences(HERE, Preferences(), "U1", now)  # quiet off
    await store.unsubscribe(THERE, "gone", now)
    released: list[Delivery] = []
    assert await store.release_held(now, lambda rows: released.extend(rows) or []) == 0
    assert [d.target for d in released] == [HERE]
    await store.close()
