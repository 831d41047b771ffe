"""Channel preferences in the database: stored per channel, joined to the subscription, and
the incident threads a channel already has (posted or queued), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time

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
