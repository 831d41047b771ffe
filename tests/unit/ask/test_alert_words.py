"""The ``alerts`` words: each setting parses to its change, anything else to a clear refusal."""

from __future__ import annotations

from datetime import time

import pytest

from bot.ask.grammar import Alerts, AlertsRefused, alerts_of, parse
from bot.preferences import (
    Preferences,
    QuietHours,
    SetImpact,
    SetQuiet,
    SetSwitch,
    applied,
)

BERLIN = QuietHours(time(22, 0), time(8, 0), "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("alerts", Alerts()),
        ("ALERTS", Alerts()),
        ("alerts impact major", Alerts((SetImpact("major"),))),
        ("alerts impact Minor", Alerts((SetImpact("minor"),))),
        ("alerts impact any", Alerts((SetImpact("any"),))),
        ("alerts updates off", Alerts((SetSwitch("updates", False),))),
        ("alerts updates on", Alerts((SetSwitch("updates", True),))),
        ("alerts maintenance off", Alerts((SetSwitch("maintenance", False),))),
        ("alerts warnings OFF", Alerts((SetSwitch("warnings", False),))),
        ("alerts quiet 22:00-08:00 Europe/Berlin", Alerts((SetQuiet(BERLIN),))),
        ("alerts quiet off", Alerts((SetQuiet(None),))),
    ],
)
def test_alerts_words(text: str, command: Alerts) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("alerts impact huge", "“huge” is not an impact I know"),
        ("alerts impact", "I did not understand"),
        ("alerts updates maybe", "alerts updates on"),
        ("alerts sounds off", "I did not understand"),
        ("alerts quiet 25:00-08:00 Europe/Berlin", "“25:00” is not a time of day"),
        ("alerts quiet 22:00-8 Europe/Berlin", "“8” is not a time of day"),
        ("alerts quiet 22:00 Europe/Berlin", "not a span of hours"),
        ("alerts quiet 22:00-22:00 UTC", "must end at another time"),
        ("alerts quiet 22:00-08:00 Mars/Olympus", "“Mars/Olympus” is not a time zone"),
        ("alerts quiet 22:00-08:00 ../../etc/passwd", "is not a time zone"),
        ("alerts quiet 22:00-08:00", "Say the hours and the time zone"),
        ("alerts quiet", "Say the hours and the time zone"),
    ],
)
def test_anything_else_is_refused_with_what_to_say(text: str, says: str) -> None:
    command = parse(text)
    assert isinstance(command, AlertsRefused)
    assert says in command.reason


def test_typed_options_build_the_same_changes_as_the_words() -> None:
    assert alerts_of(impact="major", updates="off", quiet="22:00-08:00 Europe/Berlin") == Alerts(
        (SetImpact("major"), SetSwitch("updates", False), SetQuiet(BERLIN))
    )
    assert alerts_of() == Alerts()
    assert isinstance(alerts_of(warnings="sometimes"), AlertsRefused)


def test_changes_apply_in_order_and_survive_json() -> None:
    changed = applied(
        Preferences(),
        (SetImpact("major"), SetSwitch("maintenance", False), SetQuiet(BERLIN)),
    )
    assert changed == Preferences(impact="major", maintenance=False, quiet=BERLIN)
    assert Preferences.from_json(changed.to_json()) == changed
    assert applied(changed, (SetQuiet(None),)).quiet is None
