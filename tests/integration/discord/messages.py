"""Notices to send, and reading what the bot sent to the fake Discord."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from bot.notify.compose import incident_root
from bot.notify.notices import Notice, NoticeKind
from bot.statuspage.models import Summary
from fakes.discord_api import FakeDiscord
from tests.integration.discord.conftest import fixture


def start_notice(summary: str = "scenarios/api-elevated-errors/02.json") -> Notice:
    """The core's start notice for the first incident of a fixture (its latest update)."""
    document = fixture(summary)
    document = document.get("summary", document)
    incident = Summary.model_validate(document).incidents[0]
    return incident_root(incident, incident.latest_update)


def update_of(root: Notice, text: str) -> Notice:
    return replace(root, kind=NoticeKind.INCIDENT_UPDATED, status="identified", text=text)


def text_of(body: dict[str, Any]) -> str:
    """Every visible text of a message body: content, and each embed's parts."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        for f in embed.get("fields", []):
            parts += [f["name"], f["value"]]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)


async def answer_to(fake: FakeDiscord, interaction: str) -> dict[str, Any]:
    """The message body that answered an interaction: the callback's, or after a deferral
    ("thinking…", type 5) the follow-up's."""
    first = await fake.wait_response(interaction)
    if first["type"] == 5:
        return dict((await fake.wait_response(interaction, 2))["data"])
    assert first["type"] == 4, first
    return dict(first["data"])


async def reply_to(
    fake: FakeDiscord, message: dict[str, Any], timeout: float = 10
) -> dict[str, Any]:
    """The bot's reply to ``message`` (a mention), as it sent it."""

    def find() -> dict[str, Any] | None:
        for sent in fake.messages.values():
            reference = sent.get("message_reference") or {}
            if reference.get("message_id") == message["id"]:
                return sent
        return None

    async with asyncio.timeout(timeout):
        while (found := find()) is None:
            await asyncio.sleep(0.02)
    return fake.bodies[found["id"]][0]
