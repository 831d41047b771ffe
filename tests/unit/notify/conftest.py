"""The scripted scenarios' events, read once per module."""

from __future__ import annotations

import pytest

from bot.detect.events import Event
from tests.unit.notify.scenarios import scenario_events


@pytest.fixture(scope="module")
def incident_steps() -> list[list[Event]]:
    return scenario_events("api-elevated-errors")


@pytest.fixture(scope="module")
def maintenance_steps() -> list[list[Event]]:
    return scenario_events("maintenance")
