"""The database: the only durable state. SQLite embedded by default, PostgreSQL for replicas.

One module per table group (``state``, ``subscriptions``, ``preferences``, ``reports``,
``outbox`` and its ``claims``, ``threads``, ``community``, ``paces``), each a class of methods
over the shared ``engine.Database``.
``Store`` joins them into the one object callers hold: every group shares one engine and, on
SQLite, one write turn, so they are one object rather than five that would each need the same
two; a caller still reads ``store.claim_due(...)`` and never learns which file holds it.
"""

from __future__ import annotations

from bot.store.claims import Claims
from bot.store.community import Community
from bot.store.outbox import Outbox, OutboxRow
from bot.store.paces import Paces
from bot.store.preferences import ChannelPreferences
from bot.store.reports import Reports
from bot.store.state import PollState
from bot.store.subscriptions import Subscriptions
from bot.store.threads import Threads


class Store(
    PollState,
    Subscriptions,
    ChannelPreferences,
    Reports,
    Outbox,
    Claims,
    Threads,
    Community,
    Paces,
):
    """The database, every table group of it."""


__all__ = ["OutboxRow", "Store"]
