"""Alerts into Discord channels: through the bot (REST calls of discord.py, which keeps its
own rate-limit buckets) and through webhooks (plain HTTP, no bot at all).

Both implement the core's ``ChatAdapter``; ``errors`` maps Discord's answers onto the core's
delivery errors.

The bot's messages carry the delivery as their ``nonce`` with ``enforce_nonce`` (discord.py
sends both when given a nonce): Discord answers a repeat within a few minutes with the message
it already made, so a try after a crash between Discord's answer and the outbox's commit
records that message instead of posting a second. Webhooks take no nonce (docs/reliability.md
says what that leaves).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Mapping
from typing import Any, Final

import aiohttp
import discord
from yarl import URL

from adapters.discord import errors
from adapters.discord.render import Message, notice_message
from bot.notify.notices import Notice
from bot.notify.ports import (
    Attempt,
    MessageRef,
    PermanentDeliveryError,
    SentBeforeError,
    Target,
    TransientDeliveryError,
)

NO_MENTIONS: Final = discord.AllowedMentions.none()
WEBHOOK_TIMEOUT: Final = aiohttp.ClientTimeout(total=20)


class BotDelivery:
    """``discord:CHANNEL_ID`` targets, sent as the bot. ``ready`` is set once it is logged in
    (REST works from then on; the gateway is not needed to post)."""

    def __init__(self, client: discord.Client, ready: asyncio.Event) -> None:
        self._client = client
        self._ready = ready

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        return await self._send(target, notice, attempt, None)

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        # A Discord reply is always shown in the channel, so ``broadcast`` changes nothing.
        reference = discord.MessageReference(
            message_id=int(root.id), channel_id=int(root.channel), fail_if_not_exists=True
        )
        return await self._send(target, notice, attempt, reference)

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        rendered, embeds = _rendered(notice)
        channel = self._channel(target)
        message = channel.get_partial_message(int(ref.id))
        try:
            await message.edit(
                content=rendered.content, embeds=list(embeds), allowed_mentions=NO_MENTIONS
            )
        except Exception as error:
            raise errors.from_exception(error) from error

    async def _send(
        self,
        target: Target,
        notice: Notice,
        attempt: Attempt,
        reference: discord.MessageReference | None,
    ) -> MessageRef:
        rendered, embeds = _rendered(notice)
        channel = self._channel(target)
        try:
            if reference is None:
                sent = await channel.send(
                    content=rendered.content,
                    embeds=list(embeds),
                    allowed_mentions=NO_MENTIONS,
                    nonce=attempt.delivery,
                )
            else:
                sent = await channel.send(
                    content=rendered.content,
                    embeds=list(embeds),
                    allowed_mentions=NO_MENTIONS,
                    reference=reference,
                    mention_author=False,
                    nonce=attempt.delivery,
                )
        except discord.NotFound as error:
            if error.code == errors.UNKNOWN_MESSAGE:  # on a create: the nonce's message is gone
                raise SentBeforeError("an earlier try posted it; it was deleted since") from error
            raise errors.from_exception(error) from error
        except Exception as error:
            raise errors.from_exception(error) from error
        return MessageRef(channel=str(sent.channel.id), id=str(sent.id))

    def _channel(self, target: Target) -> discord.PartialMessageable:
        if not self._ready.is_set():
            raise TransientDeliveryError("the Discord bot has not logged in yet")
        if not target.channel.isdigit():
            raise PermanentDeliveryError(f"{target.channel!r} is not a Discord channel id")
        guild = int(target.workspace) if target.workspace and target.workspace.isdigit() else None
        return self._client.get_partial_messageable(int(target.channel), guild_id=guild)


class WebhookDelivery:
    """``discord-webhook:URL`` targets: execute with ``?wait=true`` to learn the message id,
    later edit it. No bot, no gateway. Webhooks cannot reply to a message, so an update is a
    new message in the channel; it is still checked against a deleted start message, so a
    deleted one starts a new thread like in the bot's channels. Executing a webhook takes no
    nonce and a webhook cannot list its messages, so ``Attempt`` changes nothing here: a try
    after one whose answer was lost posts again (docs/reliability.md)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        data = await self._call("POST", _webhook_url(target), {"wait": "true"}, notice)
        if not isinstance(data, dict) or "id" not in data:
            raise TransientDeliveryError("Discord did not say which message the webhook posted")
        return MessageRef(channel=str(data["channel_id"]), id=str(data["id"]))

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        await self._call("GET", _webhook_url(target, root.id), {}, None)
        return await self.post(target, notice, attempt)

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        await self._call("PATCH", _webhook_url(target, ref.id), {}, notice)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(
        self, method: str, url: URL, query: Mapping[str, str], notice: Notice | None
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=WEBHOOK_TIMEOUT)
        url = url.update_query(query) if query else url
        body = _webhook_payload(_rendered(notice)[0]) if notice is not None else None
        try:
            async with self._session.request(method, url, json=body) as response:
                data = await _json(response)
                if response.status < 300:
                    return data
                code = data.get("code", 0) if isinstance(data, dict) else 0
                text = str(data.get("message", "")) if isinstance(data, dict) else ""
                raise errors.classify(
                    response.status, int(code), text, errors.retry_after(response.headers, data)
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise errors.network_error(error) from None


def _webhook_url(target: Target, message_id: str | None = None) -> URL:
    """The webhook's URL, or one of its messages'. The query is kept: ``thread_id`` makes a
    webhook post into (and edit in) a thread."""
    try:
        url = URL(target.channel)
    except ValueError:
        raise PermanentDeliveryError("the discord-webhook: target is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise PermanentDeliveryError("the discord-webhook: target is not an http(s) URL")
    path = url.path.rstrip("/")
    if message_id is not None:
        if not message_id.isdigit():
            raise PermanentDeliveryError("the stored webhook message id is not a Discord id")
        path += f"/messages/{message_id}"
    return url.with_path(path).with_query(url.query)


def _webhook_payload(rendered: Message) -> dict[str, Any]:
    payload: dict[str, Any] = {"embeds": list(rendered.embeds), "allowed_mentions": {"parse": []}}
    if rendered.content:
        payload["content"] = rendered.content
    return payload


@functools.lru_cache(maxsize=32)
def _rendered(notice: Notice) -> tuple[Message, tuple[discord.Embed, ...]]:
    """A notice rendered once for every channel of a fan-out (read only, never changed)."""
    rendered = notice_message(notice)
    return rendered, tuple(discord.Embed.from_dict(e) for e in rendered.embeds)


async def _json(response: aiohttp.ClientResponse) -> Any:
    """The body as JSON; ``{}`` when empty or not JSON (a proxy's HTML error page)."""
    text = await response.text()
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
