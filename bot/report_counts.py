"""How many people of each team reported problems lately, kept in memory so that an answer
never waits on the database.

The reports of the window are read at start and again, in the background, whenever the view
changes (each poll, here or in another replica, so another replica's reports count from its
next poll on); a report made here counts at once. Counting at the time of the question keeps
the 30-minute window exact between reads.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store import Store

log = logging.getLogger(__name__)


class ReportCounts:
    def __init__(self, store: Store, clock: Clock, window: timedelta) -> None:
        self._store = store
        self._clock = clock
        self._window = window
        self._latest: dict[tuple[str, str], dict[str, datetime]] = {}
        """(platform, workspace) -> user -> their latest report."""
        self._read_for: object = None
        self._reading: asyncio.Task[None] | None = None

    def count(self, platform: str, workspace: str | None, now: datetime) -> int:
        """Distinct people of the team who reported within the window before ``now``."""
        since = now - self._window
        team = self._latest.get((platform, workspace or ""), {})
        return sum(1 for at in team.values() if at >= since)

    def noted(self, platform: str, workspace: str | None, user: str, at: datetime) -> None:
        """A report this process just stored."""
        team = self._latest.setdefault((platform, workspace or ""), {})
        team[user] = max(at, team.get(user, at))

    def refresh_for(self, view: object) -> None:
        """Read the window again in the background, once per ``view`` (a new poll's)."""
        if view is self._read_for or (self._reading is not None and not self._reading.done()):
            return
        self._read_for = view
        self._reading = asyncio.create_task(self._read_logged(), name="read report counts")

    async def read(self) -> None:
        """Merge the window's reports from the database (a report noted meanwhile stays)."""
        now = self._clock()
        since = now - self._window
        for platform, workspace, user, at in await self._store.reporters_since(since):
            self.noted(platform, workspace, user, at)
        for key, team in list(self._latest.items()):
            kept = {user: at for user, at in team.items() if at >= since}
            if kept:
                self._latest[key] = kept
            else:
                del self._latest[key]

    async def _read_logged(self) -> None:
        try:
            await self.read()
        except Exception as error:  # the database is away: keep the counts we have
            log.warning("could not read the report counts: %s", type(error).__name__)
