"""bot.ask.history: the last week's incidents, the bars per component, the early warnings."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

from bot.ask.history import HISTORY_DAYS, history_answer
from bot.detect.view import StatusView
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import (
    SOURCE,
    incident_list,
    load_json,
    summary_of,
    view_of,
)

HISTORY_NOW = datetime(2026, 11, 12, 15, 30, tzinfo=UTC)


def _history_view(incidents: dict[str, Any] | None = None) -> StatusView:
    snapshot = build_snapshot(
        None,
        summary_of(load_json("summary-minor-incident.json")),
        incident_list(incidents or load_json("incidents.json")),
        None,
        HISTORY_NOW,
    )
    return StatusView(SOURCE, snapshot, readable=True)


def test_history_covers_seven_days_ending_today() -> None:
    answer = history_answer(_history_view(), HISTORY_NOW)
    assert HISTORY_DAYS == 7
    assert answer.days == tuple(date(2026, 11, d) for d in range(6, 13))
    assert all(len(bar.days) == 7 for bar in answer.bars)
    assert answer.source == SOURCE


def test_history_bars_show_the_worst_impact_per_component_per_day() -> None:
    answer = history_answer(_history_view(), HISTORY_NOW)
    bars = {bar.name: bar.days for bar in answer.bars}
    N, MI, MA = "none", "minor", "major"
    assert bars == {
        #                                                      06  07  08  09  10  11  12
        "claude.ai": (N, N, MA, MA, N, N, N),
        "platform.claude.com (formerly console.anthropic.com)": (N, N, MA, MA, N, N, N),
        "Claude API (api.anthropic.com)": (N, N, MA, MA, N, MI, MI),
        "Claude Code": (N, N, MA, MA, N, MI, N),
        "Claude Cowork": (MA, N, N, MA, N, N, N),
        "Claude for Government": (N, N, N, MA, N, N, N),
    }


def test_history_lists_the_weeks_incidents_newest_first_with_durations() -> None:
    answer = history_answer(_history_view(), HISTORY_NOW)
    assert [(i.id, i.impact, i.duration_minutes) for i in answer.incidents] == [
        ("twtqgbh8rf3j", "minor", None),  # still open
        ("s82qbilznk6w", "minor", 67),
        ("6ps1lwm7292l", "major", 94),
        ("c2c8jkhlzkr4", "major", 80),
        ("g72coloei4jy", "major", 124),
    ]
    assert answer.incidents[0].resolved_at is None


def _one_incident_history(**changes: Any) -> dict[str, Any]:
    """incidents.json with only one closed incident touching Claude Cowork, changed."""
    incidents = load_json("incidents.json")
    cowork = copy.deepcopy(next(i for i in incidents["incidents"] if i["id"] == "g72coloei4jy"))
    cowork.update(changes)
    incidents["incidents"] = [cowork]
    return incidents


def test_an_incident_across_midnight_marks_both_days() -> None:
    history = _one_incident_history(
        started_at="2026-11-09T23:30:00.000Z", resolved_at="2026-11-10T00:45:00.000Z"
    )
    answer = history_answer(_history_view(history), HISTORY_NOW)
    bars = {bar.name: bar.days for bar in answer.bars}
    assert bars["Claude Cowork"] == ("none", "none", "none", "major", "major", "none", "none")


def test_an_incident_that_began_before_the_window_still_marks_its_days_in_it() -> None:
    history = _one_incident_history(
        started_at="2026-11-05T22:00:00.000Z", resolved_at="2026-11-06T02:00:00.000Z"
    )
    answer = history_answer(_history_view(history), HISTORY_NOW)
    bars = {bar.name: bar.days for bar in answer.bars}
    assert bars["Claude Cowork"] == ("major", "none", "none", "none", "none", "none", "none")
    assert "g72coloei4jy" in [i.id for i in answer.incidents]


def test_an_incident_ended_before_the_window_is_left_out() -> None:
    history = _one_incident_history(
        started_at="2026-11-04T22:00:00.000Z", resolved_at="2026-11-05T02:00:00.000Z"
    )
    answer = history_answer(_history_view(history), HISTORY_NOW)
    assert "g72coloei4jy" not in [i.id for i in answer.incidents]
    assert all(
        day == "none" for bar in answer.bars if bar.name == "Claude Cowork" for day in bar.days
    )


def test_a_closed_incident_without_resolved_at_ends_at_its_last_update() -> None:
    """Not "still going": a closed incident never paints the days after it."""
    history = _one_incident_history(resolved_at=None)
    answer = history_answer(_history_view(history), HISTORY_NOW)
    bars = {bar.name: bar.days for bar in answer.bars}
    assert bars["Claude Cowork"] == ("major", "none", "none", "none", "none", "none", "none")
    listed = next(i for i in answer.incidents if i.id == "g72coloei4jy")
    assert listed.resolved_at == datetime(2026, 11, 6, 21, 29, 1, 988000, tzinfo=UTC)
    assert listed.duration_minutes == 124


def test_an_unknown_impact_counts_as_minor_in_the_bars() -> None:
    history = _one_incident_history(impact="severe")
    answer = history_answer(_history_view(history), HISTORY_NOW)
    bars = {bar.name: bar.days for bar in answer.bars}
    assert bars["Claude Cowork"][0] == "minor"


def test_history_of_a_feed_never_read_is_empty() -> None:
    answer = history_answer(StatusView(SOURCE, None, readable=False), HISTORY_NOW)
    assert (answer.incidents, answer.bars) == ((), ())
    assert len(answer.days) == 7


def test_components_and_groups_in_history() -> None:
    view = view_of("summary-other-page-groups.json")
    answer = history_answer(view, datetime(2026, 11, 20, 18, 0, tzinfo=UTC))
    bars = {bar.name: bar.days for bar in answer.bars}
    assert set(bars) == {"API - US", "API - EU", "Dashboard", "Legacy Webhooks"}
    assert bars["API - EU"][-1] == "minor"
    assert bars["API - US"][-1] == "none"
