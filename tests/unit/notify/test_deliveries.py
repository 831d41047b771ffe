"""``delivery_key``: a delivery's name on the platforms, the same on every try and for no
other delivery."""

from __future__ import annotations

from bot.notify.deliveries import delivery_key
from bot.notify.notices import Action
from bot.notify.ports import Target

SLACK = Target("slack", "C0ALERTS1", "T0TEAM")
HOOK = Target("discord-webhook", "https://discord.com/api/webhooks/1/secret-token")


def test_the_same_delivery_gets_the_same_key() -> None:
    assert delivery_key("incident:x:started", SLACK, Action.POST) == delivery_key(
        "incident:x:started", Target("slack", "C0ALERTS1", "T0TEAM"), Action.POST
    )


def test_event_channel_and_action_each_change_it() -> None:
    keys = {
        delivery_key("incident:x:started", SLACK, Action.POST),
        delivery_key("incident:y:started", SLACK, Action.POST),
        delivery_key("incident:x:started", Target("slack", "C0OTHER01", "T0TEAM"), Action.POST),
        delivery_key("incident:x:started", Target("slack", "C0ALERTS1", "T0OTHER"), Action.POST),
        delivery_key("incident:x:started", SLACK, Action.EDIT),
    }
    assert len(keys) == 5


def test_it_fits_a_discord_nonce_and_names_no_channel() -> None:
    key = delivery_key("incident:x:started", HOOK, Action.POST)
    assert len(key) == 24 <= 25
    assert int(key, 16) >= 0
    assert "secret" not in key
