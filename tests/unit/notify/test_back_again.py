"""bot.notify.back_again through compose: a new incident or a degradation on components whose
incident ended within the hour says it is back; other components, or later, say nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.detect.events import ComponentChanged, IncidentStarted
from bot.notify.compose import notices_for
from bot.notify.notices import Action, Earlier, Notice
from bot.statuspage.models import Component, Incident
from tests.unit.helpers import SOURCE, snapshot_of

ENDED = snapshot_of("summary-minor-incident.json").open_incidents[0]


def resolved_earlier() -> Incident:
    assert ENDED.latest_update is not None
    at = ENDED.began_at + timedelta(minutes=30)
    return ENDED.model_copy(update={"status": "resolved", "resolved_at": at})


def new_incident(minutes_after: int, *, same_components: bool = True) -> Incident:
    earlier = resolved_earlier()
    assert earlier.resolved_at is not None
    at = earlier.resolved_at + timedelta(minutes=minutes_after)
    components = earlier.components if same_components else ()
    first = earlier.incident_updates[0]
    if not same_components:  # nor named by its update
        first = first.model_copy(update={"affected_components": ()})
    updates = (first.model_copy(update={"created_at": at}),)
    return earlier.model_copy(
        update={
            "id": "new1",
            "name": "Errors again",
            "status": "investigating",
            "resolved_at": None,
            "created_at": at,
            "started_at": at,
            "components": components,
            "incident_updates": updates,
        }
    )


def start_notice(incident: Incident, recent: list[Incident]) -> Notice:
    [composed] = notices_for(
        [IncidentStarted(incident, incident.latest_update)], SOURCE, recent=recent
    )
    [planned] = composed.planned
    assert planned.action is Action.POST
    return planned.notice


def test_a_new_incident_on_the_same_components_within_the_hour_is_back_again() -> None:
    earlier = resolved_earlier()
    notice = start_notice(new_incident(12), [earlier])
    assert notice.earlier == Earlier(
        title=earlier.name, minutes=12, thread_key=f"incident:{earlier.id}", url=earlier.shortlink
    )
    assert Notice.from_json(notice.to_json()) == notice  # kept as it is in the outbox


def test_unrelated_components_or_after_the_hour_are_a_new_story() -> None:
    assert (
        start_notice(new_incident(12, same_components=False), [resolved_earlier()]).earlier is None
    )
    assert start_notice(new_incident(61), [resolved_earlier()]).earlier is None
    assert start_notice(new_incident(12), []).earlier is None
    still_open = ENDED  # an incident still open is not "resolved"
    assert start_notice(new_incident(12), [still_open]).earlier is None


def test_a_component_degrading_again_within_the_hour_says_so() -> None:
    earlier = resolved_earlier()
    assert earlier.resolved_at is not None
    [api] = [c for c in earlier.components if not c.group][:1]
    worse = Component.model_validate(
        api.model_dump()
        | {"status": "major_outage", "updated_at": earlier.resolved_at + timedelta(minutes=5)}
    )
    [composed] = notices_for([ComponentChanged(worse, "operational")], SOURCE, recent=[earlier])
    assert composed.planned[0].notice.earlier is not None
    assert composed.planned[0].notice.earlier.minutes == 5
    better = Component.model_validate(worse.model_dump() | {"status": "operational"})
    [composed] = notices_for([ComponentChanged(better, "major_outage")], SOURCE, recent=[earlier])
    assert composed.planned[0].notice.earlier is None
