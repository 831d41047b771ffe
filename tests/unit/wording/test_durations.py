"""bot.wording.durations: how long something lasted and how long ago it was."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.wording.durations import age_text, duration_text, ended_after
from tests.unit.helpers import NOW


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (47, "47 min"),
        (60, "1 h"),
        (125, "2 h 5 min"),
        (24 * 60, "1 day"),
        (27 * 60, "1 day 3 h"),
        (3 * 24 * 60 + 4 * 60 + 30, "3 days 4 h"),
    ],
)
def test_duration_text(minutes: int, text: str) -> None:
    assert duration_text(minutes) == text


def test_ended_after() -> None:
    assert ended_after(0) == "within a minute"
    assert ended_after(47) == "after 47 min"
    assert ended_after(125) == "after 2 h 5 min"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-600, "just now"),
        (0, "just now"),
        (89, "just now"),
        (12 * 60, "12 min ago"),
        (89 * 60, "89 min ago"),
        (3 * 3600, "3 h ago"),
        (35 * 3600, "35 h ago"),
        (2 * 86400, "2 days ago"),
    ],
)
def test_age_text(seconds: int, text: str) -> None:
    assert age_text(NOW, NOW + timedelta(seconds=seconds)) == text
