"""``/is-claude-down`` and ``@bot`` mentions, answered by the real core through discord.py."""

from __future__ import annotations

import re
from typing import Any

import pytest

import adapters.discord.listeners as listeners
from adapters.discord import DiscordAdapter
from bot.notify.ports import Target
from bot.store import Store
from fakes.discord_api import (
    ALERTS,
    BOT_ID,
    GENERAL,
    GUILD_ID,
    MANAGE_CHANNELS,
    MEMBER,
    MOD,
    MOD_ROLE,
    OWNER,
    FakeDiscord,
)
from tests.integration.discord.conftest import Page
from tests.integration.discord.messages import answer_to, reply_to, text_of

WORDS: list[tuple[str, dict[str, Any], str, str, str]] = [
    # subcommand, its options, the same words after a mention, who asks, what the answer says
    ("status", {}, "is claude down?", MEMBER, "Claude is degraded"),
    ("status", {"code": "503", "minutes": 12}, "503 12m", MEMBER, "What to do about 503"),
    ("subscribe", {}, "subscribe", MOD, "Subscribed: this channel gets Claude status alerts"),
    ("unsubscribe", {}, "unsubscribe", MOD, "This channel was not subscribed."),
    ("report", {"code": "529"}, "report 529", MEMBER, "Thanks, noted (529)"),
    ("history", {}, "history", MEMBER, "The last 7 days"),
    ("test", {}, "test", MOD, "test"),
    ("help", {}, "help", MEMBER, "What I understand"),
]
IDS = [f"{sub}-{'-'.join(map(str, opts.values()))}".rstrip("-") for sub, opts, *_ in WORDS]


@pytest.mark.parametrize(("subcommand", "options", "_words", "who", "says"), WORDS, ids=IDS)
async def test_every_word_as_a_slash_command(
    bot: DiscordAdapter,
    discord_fake: FakeDiscord,
    subcommand: str,
    options: dict[str, Any],
    _words: str,
    who: str,
    says: str,
) -> None:
    interaction = await discord_fake.slash(who, subcommand, **options)
    body = await answer_to(discord_fake, interaction)
    assert says in text_of(body)
    assert body["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(("_sub", "_opts", "words", "who", "says"), WORDS, ids=IDS)
async def test_every_word_after_a_mention_is_answered_as_a_reply(
    bot: DiscordAdapter,
    discord_fake: FakeDiscord,
    _sub: str,
    _opts: dict[str, Any],
    words: str,
    who: str,
    says: str,
) -> None:
    asked = await discord_fake.mention(who, words)
    body = await reply_to(discord_fake, asked)
    assert says in text_of(body)
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert body["message_reference"]["fail_if_not_exists"] is False
    assert discord_fake.pings == []


async def test_status_answer_shows_verdict_incident_and_advice(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    interaction = await discord_fake.slash(MEMBER, "status", code="529")
    body = await answer_to(discord_fake, interaction)
    verdict, advice = body["embeds"]
    assert verdict["color"] == 0xF1C40F  # degraded: yellow
    incident = verdict["fields"][0]
    assert "Elevated errors on Claude Opus 4.6" in incident["name"]
    assert "Identified" in incident["value"]
    assert "Minor impact" in incident["value"]
    assert re.search(r"began <t:\d+:R>", incident["value"])
    assert "https://stspg.io/" in incident["value"]
    assert any(f["name"] == "Affected components" for f in verdict["fields"])
    assert advice["title"] == "What to do about 529"
    assert "Not your setup" in advice["description"]


async def test_subscribe_needs_manage_channels(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    here = Target("discord", GENERAL, GUILD_ID)
    refused = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "subscribe"))
    assert "Manage Channels" in refused["content"]
    assert refused["flags"] == 64  # ephemeral: only the member who asked sees the refusal
    mention = await reply_to(discord_fake, await discord_fake.mention(MEMBER, "subscribe"))
    assert "Manage Channels" in mention["content"]
    assert await store.subscription(here) is None

    await answer_to(discord_fake, await discord_fake.slash(MOD, "subscribe"))
    subscribed = await store.subscription(here)
    assert subscribed is not None
    assert subscribed.created_by == MOD


async def test_the_owner_may_manage_and_a_channel_overwrite_can_take_it_away(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    await discord_fake.set_overwrites(
        ALERTS, [{"id": MOD_ROLE, "type": 0, "allow": "0", "deny": str(MANAGE_CHANNELS)}]
    )
    await answer_to(discord_fake, await discord_fake.slash(MOD, "subscribe", channel_id=ALERTS))
    await reply_to(discord_fake, await discord_fake.mention(MOD, "subscribe", channel_id=ALERTS))
    assert await store.subscription(Target("discord", ALERTS, GUILD_ID)) is None
    await reply_to(discord_fake, await discord_fake.mention(OWNER, "subscribe", channel_id=ALERTS))
    assert await store.subscription(Target("discord", ALERTS, GUILD_ID)) is not None


async def test_unsubscribe_also_needs_manage_channels(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    await answer_to(
        discord_fake, await discord_fake.slash(MOD, "subscribe", components="claude.ai")
    )
    refused = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "unsubscribe"))
    assert "Manage Channels" in refused["content"]
    assert await store.subscription(Target("discord", GENERAL, GUILD_ID)) is not None
    done = await answer_to(discord_fake, await discord_fake.slash(MOD, "unsubscribe"))
    assert "Unsubscribed" in done["content"]
    assert await store.subscription(Target("discord", GENERAL, GUILD_ID)) is None


async def test_subscribe_to_named_components(
    bot: DiscordAdapter, discord_fake: FakeDiscord, store: Store
) -> None:
    interaction = await discord_fake.slash(MOD, "subscribe", components="claude.ai, Claude Code")
    body = await answer_to(discord_fake, interaction)
    assert "claude.ai, Claude Code" in text_of(body)
    subscribed = await store.subscription(Target("discord", GENERAL, GUILD_ID))
    assert subscribed is not None
    assert set(subscribed.components) == {"rwppv331jlwc", "yyzkbfz2thpt"}


async def test_components_autocomplete_from_the_page(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    first = await discord_fake.autocomplete(MOD, "subscribe", "components", "claude")
    names = [c["name"] for c in first]
    assert "Claude API (api.anthropic.com)" in names
    assert "claude.ai" in names
    assert "Claude Code" in names
    after_comma = await discord_fake.autocomplete(MOD, "subscribe", "components", "claude.ai, co")
    assert [c["value"] for c in after_comma] == [
        "claude.ai, platform.claude.com (formerly console.anthropic.com)",
        "claude.ai, Claude API (api.anthropic.com)",
        "claude.ai, Claude Code",
        "claude.ai, Claude Cowork",
    ]


async def test_codes_autocomplete(bot: DiscordAdapter, discord_fake: FakeDiscord) -> None:
    choices = await discord_fake.autocomplete(MEMBER, "status", "code", "5")
    assert [c["value"] for c in choices] == ["503", "529", "500", "502", "504"]


async def test_a_slow_answer_is_deferred_then_followed_up(
    bot: DiscordAdapter, discord_fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "DEFER_AFTER_SECONDS", 0.0)
    interaction = await discord_fake.slash(MEMBER, "report", code="503")  # waits for the database
    first = await discord_fake.wait_response(interaction)
    assert first["type"] == 5  # "is thinking…"
    body = await answer_to(discord_fake, interaction)
    assert "Thanks, noted (503)" in text_of(body)


async def test_hostile_feed_text_pings_nobody(
    bot: DiscordAdapter, discord_fake: FakeDiscord, page: Page
) -> None:
    page.show("bad/summary-hostile.json")
    slash = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "status"))
    mention = await reply_to(discord_fake, await discord_fake.mention(MEMBER, "is it down?"))
    for body in (slash, mention):
        shown = text_of(body)
        assert "Elevated errors" in shown
        assert re.search(r"@(everyone|here)", shown) is None  # each one carries a zero-width space
        assert re.search(r"(?<!\\)\[[^\]]*\]\(", shown) is None  # no masked link survives
        assert "\u202e" not in shown
        assert body["allowed_mentions"]["parse"] == []
    assert discord_fake.pings == []


async def test_words_around_the_mention_and_other_mentions(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    asked = await discord_fake.mention(MEMBER, f"hey <@!{BOT_ID}> help")
    body = await reply_to(discord_fake, asked)
    assert "What I understand" in text_of(body)
    assert "did not understand" in text_of(body)  # "hey help" is not a word of ours
