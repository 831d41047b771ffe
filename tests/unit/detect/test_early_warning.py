"""Early-warning decisions, step by step (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.detect.early_warning import PROBE_SCOPE, Signal, WarningState, step
from bot.detect.events import WarningCleared, WarningConfirmed, WarningRaised
from bot.statuspage.models import Incident
from fakes.statuspage import scenario_steps

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PROBE = Signal(PROBE_SCOPE, "The API answered 529, 529, 529 to 3 probes in a row.")
TEAM = Signal("team:slack:T1", "3 people on this team reported 503 in the last 10 minutes.")
INCIDENT = Incident.model_validate(
    scenario_steps("api-elevated-errors")[1]["summary"]["incidents"][0]
)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_a_signal_on_a_quiet_page_raises_one_warning() -> None:
    state, events = step(WarningState(), [PROBE], (), False, T0)
    again, more = step(state, [PROBE], (), False, minutes(1))
    assert [type(e) for e in events] == [WarningRaised]
    assert more == []
    assert set(again.open) == {PROBE_SCOPE}


def test_no_warning_while_the_page_already_shows_a_problem() -> None:
    state, events = step(WarningState(), [PROBE], (INCIDENT,), True, T0)
    assert events == []
    assert state.open == {}


def test_the_signal_going_away_clears_it_once() -> None:
    state, _ = step(WarningState(), [PROBE], (), False, T0)
    state, events = step(state, [], (), False, minutes(4))
    _, after = step(state, [], (), False, minutes(5))
    assert [type(e) for e in events] == [WarningCleared]
    assert events[0].warning.closed_at == minutes(4)
    assert after == []


def test_an_incident_posted_later_confirms_it_with_the_lead_time() -> None:
    state, _ = step(WarningState(), [PROBE], (), False, T0)
    state, events = step(state, [PROBE], (INCIDENT,), True, minutes(8))
    assert [type(e) for e in events] == [WarningConfirmed]
    confirmed = events[0]
    assert isinstance(confirmed, WarningConfirmed)
    assert confirmed.warning.lead_minutes == 8
    assert confirmed.incident.id == INCIDENT.id
    assert state.open == {}
    assert state.past[-1].confirmed_by == INCIDENT.id


def test_components_down_without_an_incident_keep_the_warning_open() -> None:
    state, _ = step(WarningState(), [PROBE], (), False, T0)
    state, events = step(state, [], (), True, minutes(3))
    assert events == []
    assert PROBE_SCOPE in state.open


def test_flapping_opens_at_most_one_warning_per_half_hour() -> None:
    state, raised = step(WarningState(), [PROBE], (), False, T0)
    opened = len(raised)
    for n in range(1, 30):
        signals = [PROBE] if n % 2 == 0 else []
        state, events = step(state, signals, (), False, minutes(n))
        opened += sum(isinstance(e, WarningRaised) for e in events)
    state, events = step(state, [PROBE], (), False, minutes(31))
    assert opened == 1
    assert [type(e) for e in events] == [WarningRaised]


def test_team_reports_warn_that_team_but_not_on_top_of_the_probe() -> None:
    _, events = step(WarningState(), [TEAM], (), False, T0)
    assert [e.warning.scope for e in events if isinstance(e, WarningRaised)] == ["team:slack:T1"]
    probe_first, _ = step(WarningState(), [PROBE], (), False, T0)
    _, extra = step(probe_first, [PROBE, TEAM], (), False, minutes(1))
    assert extra == []


def test_state_survives_a_round_trip_through_json() -> None:
    state, _ = step(WarningState(), [PROBE, TEAM], (), False, T0)
    state, _ = step(state, [PROBE], (), False, minutes(2))
    assert WarningState.from_json(state.to_json()) == state
