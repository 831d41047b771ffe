"""``/is-claude-down alerts`` with typed choices, and ``@bot alerts …``, through discord.py and
the real core: an embed of the settings, stored per channel, Manage Channels to change them."""

from __future__ import annotations

from datetime import time

import pytest

from adapters.discord import DiscordAdapter
from bot.notify.ports import Target
from bot.preferences import Preferences, QuietHours
from bot.store import Store
from fakes.discord_api import ALERTS, GENERAL, GUILD_ID, MEMBER, MOD, FakeDiscord
from tests.integration.discord.messages import answer_to, reply_to, text_of

HERE = Target("discord", GENERAL, GUILD_ID)


def _option(fake: FakeDiscord, name: str) -> dict[str, object]:
    synced = next(c for c in fake.commands if c["name"] == "is-claude-down")
    alerts = next(o for o in synced["options"] if o["name"] == "alerts")
    return next(o for o in alerts["options"] if o["name"] == name)


async def test_the_choices_are_typed_in_the_application_command(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    impact = _option(discord_fake, "impact")
    assert [c["value"] for c in impact["choices"]] == ["major", "minor", "any"]  # type: ignore[index]
    for switch in ("updates", "maintenance", "warnings"):
        choices = _option(discord_fake, switch)["choices"]
        assert [c["value"] for c in choices] == ["on", "off"]  # type: ignore[attr-defined]
    assert _option(discord_fake, "quiet")["type"] == 3  # a string: hours and a zone


async def test_alerts_shows_the_settings_as_an_embed(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    body = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "alerts"))
    (embed,) = body["embeds"]
    assert embed["title"] == "Alert settings (this channel is not subscribed)"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Incidents"] == "every incident"
    assert fields["Early warnings"] == "on"


async def test_typed_options_change_the_channel_and_need_manage_channels(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    refused = await answer_to(
        discord_fake, await discord_fake.slash(MEMBER, "alerts", impact="major")
    )
    assert "Manage Channels" in refused["content"]
    assert await store.preferences(HERE) == Preferences()

    body = await answer_to(
        discord_fake,
        await discord_fake.slash(
            MOD, "alerts", impact="major", warnings="off", quiet="23:30-07:00 America/New_York"
        ),
    )
    shown = text_of(body)
    assert "major impact and above" in shown
    assert "23:30-07:00 America/New\\_York" in shown
    quiet = QuietHours(time(23, 30), time(7), "America/New_York")
    assert await store.preferences(HERE) == Preferences(impact="major", warnings=False, quiet=quiet)
    assert await store.preferences(Target("discord", ALERTS, GUILD_ID)) == Preferences()


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ("alerts maintenance off", "Maintenance"),
        ("alerts impact extreme", "is not an impact I know"),
        ("alerts quiet 9-5 UTC", "is not a time of day"),
    ],
)
async def test_the_same_words_after_a_mention(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store, words: str, says: str
) -> None:
    body = await reply_to(discord_fake, await discord_fake.mention(MOD, words))
    assert says in text_of(body)
    assert discord_fake.pings == []


async def test_a_bad_time_zone_in_the_typed_option_is_refused(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    interaction = await discord_fake.slash(MOD, "alerts", quiet="22:00-08:00 Berlin/Europe")
    refused = await answer_to(discord_fake, interaction)
    assert "is not a time zone I know" in refused["content"]
    assert refused["flags"] == 64
    assert await store.preferences(HERE) == Preferences()
