"""The team of a static channel that names no workspace, as the adapters teach it."""

from __future__ import annotations

from bot.notify.deliveries import Subscription
from bot.notify.ports import Target
from bot.notify.routing import team_scope
from bot.notify.teams import Teams


def static(platform: str, channel: str, workspace: str | None = None) -> Subscription:
    return Subscription(0, Target(platform, channel, workspace), (), "static", None)


def test_a_channel_without_a_workspace_takes_the_one_learned() -> None:
    teams = Teams()
    assert team_scope(static("slack", "C1"), teams) == "team:slack:"
    teams.learn("slack", "T1")
    teams.learn("discord", "G7", channel="123")
    assert team_scope(static("slack", "C1"), teams) == "team:slack:T1"
    assert team_scope(static("slack", "C1", "T2"), teams) == "team:slack:T2"  # its own wins
    assert team_scope(static("discord", "123"), teams) == "team:discord:G7"
    assert team_scope(static("discord", "456"), teams) == "team:discord:"
    assert team_scope(static("slack", "C1")) == "team:slack:"  # nothing learned
