"""Answers to "is Claude down?" kept per view, so that a burst of the same question (a hundred
people asking in the same minute of an outage) is answered once and then from memory.

An answer is a function of the view, the words, the team's early warning and report count,
and the ages it shows ("began 12 min ago"): the cache is emptied when the view changes (each
poll), and each entry is keyed by the rest, the ages included, so an entry is not used once
any age in its text would read differently. The ages themselves are worked out once a second
(a burst asks within the same one), so an age may read its old value for under a second.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Final

from bot.ask.answers import StatusAnswer
from bot.detect.view import StatusView
from bot.wording.durations import age_text

MAX_ENTRIES: Final = 256


class StatusAnswers:
    def __init__(self) -> None:
        self._view: StatusView | None = None
        self._answers: OrderedDict[Hashable, StatusAnswer] = OrderedDict()
        self._ages: tuple[int, tuple[str, ...]] | None = None
        """(the second, the view's ages as they read in it)"""

    def answer(
        self,
        view: StatusView,
        key: Hashable,
        now: datetime,
        make: Callable[[], StatusAnswer],
    ) -> StatusAnswer:
        """The answer for ``key`` (the words, the warning, the count) on ``view`` at ``now``:
        the one made before while nothing it shows has changed, else ``make()``'s."""
        if view is not self._view:
            self._view, self._answers, self._ages = view, OrderedDict(), None
        full = (key, self._ages_at(view, now))
        found = self._answers.get(full)
        if found is not None:
            self._answers.move_to_end(full)
            return found
        made = self._answers[full] = make()
        if len(self._answers) > MAX_ENTRIES:
            self._answers.popitem(last=False)
        return made

    def _ages_at(self, view: StatusView, now: datetime) -> tuple[str, ...]:
        second = int(now.timestamp())
        if self._ages is None or self._ages[0] != second:
            self._ages = (second, ages(view, now))
        return self._ages[1]


def ages(view: StatusView, now: datetime) -> tuple[str, ...]:
    """Every age an answer on ``view`` can show, as it reads at ``now``: when the page was
    read, and when each open incident began and was last updated."""
    times = [view.checked_at]
    for incident in view.open_incidents:
        latest = incident.latest_update
        times += [incident.began_at, latest.shown_at if latest else None]
    return tuple(age_text(t, now) if t else "" for t in times)
