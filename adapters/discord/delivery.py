"""Alerts into Discord channels: through the bot (REST calls of discord.py, which keeps its
own rate-limit buckets) and through webhooks (plain HTTP, no bot at all).

Both implement the core's ``ChatAdapter`` and map Discord's answers onto its errors: a
channel or webhook that is gone or forbidden is permanent (the dispatcher disables the
subscription), a deleted thread root is ``ThreadGoneError``, everything else is transient.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any, Final

import aiohttp
import discord
from yarl import URL

from adapters.discord.render import Message, notice_message
from bot.notify.notices import Notice
from bot.notify.ports import (
    DeliveryError,
    MessageRef,
    PermanentDeliveryError,
    Target,
    ThreadGoneError,
    TransientDeliveryError,
)

NO_MENTIONS: Final = discord.AllowedMentions.none()
WEBHOOK_TIMEOUT: Final = aiohttp.ClientTimeout(total=20)

UNKNOWN_MESSAGE: Final = 10008
GONE_CODES: Final = {
    10003: "the channel no longer exists (Unknown Channel)",
    10004: "the server no longer exists or removed the bot (Unknown Guild)",
    10015: "the webhook was deleted (Unknown Webhook)",
    50001: "the bot has no access to the channel (Missing Access)",
    50007: "Discord does not let the bot message this user",
    50008: "the channel does not take messages",
    50013: "the bot lacks permissions in the channel (Missing Permissions)",
    50027: "the webhook's token is no longer valid",
    50083: "the thread is archived",
}
"""Discord error codes after which a target will never work again."""


def _is_reference_error(text: str) -> bool:
    # A reply to a deleted message with fail_if_not_exists answers 400 Invalid Form Body
    # (50035) with the error under "message_reference".
    return "message_reference" in text


def _classify(status: int, code: int, text: str, retry_after: float | None) -> DeliveryError:
    """Discord's answer to a failed call, as the error the dispatcher acts on."""
    if status == 429:
        return TransientDeliveryError("Discord rate limit", retry_after=retry_after)
    if code == UNKNOWN_MESSAGE or (code == 50035 and _is_reference_error(text)):
        return ThreadGoneError("the thread's start message was deleted")
    if code in GONE_CODES:
        return PermanentDeliveryError(GONE_CODES[code])
    if status == 401:
        return PermanentDeliveryError("Discord refused the credentials (401)")
    if status in (403, 404):
        return PermanentDeliveryError(f"Discord answered {status} (error code {code})")
    if status >= 500:
        return TransientDeliveryError(f"Discord answered {status}")
    # A 400 is about this one message, not the channel: do not disable the subscription.
    return TransientDeliveryError(f"Discord refused the message: {status} code {code}")


def _network_error(error: BaseException) -> TransientDeliveryError:
    # Only the type: aiohttp's messages can include the URL, and a webhook URL is a secret.
    return TransientDeliveryError(f"cannot reach Discord: {type(error).__name__}")


class BotDelivery:
    """``discord:CHANNEL_ID`` targets, sent as the bot. ``ready`` is set once it is logged in
    (REST works from then on; the gateway is not needed to post)."""

    def __init__(self, client: discord.Client, ready: asyncio.Event) -> None:
        self._client = client
        self._ready = ready

    async def post(self, target: Target, notice: Notice) -> MessageRef:
        return await self._send(target, notice, None)

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, *, broadcast: bool
    ) -> MessageRef:
        # A Discord reply is always shown in the channel, so ``broadcast`` changes nothing.
        reference = discord.MessageReference(
            message_id=int(root.id), channel_id=int(root.channel), fail_if_not_exists=True
        )
        return await self._send(target, notice, reference)

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        rendered = notice_message(notice)
        channel = self._channel(target)
        message = channel.get_partial_message(int(ref.id))
        try:
            await message.edit(
                content=rendered.content, embeds=_embeds(rendered), allowed_mentions=NO_MENTIONS
            )
        except Exception as error:
            raise self._map(error) from error

    async def _send(
        self, target: Target, notice: Notice, reference: discord.MessageReference | None
    ) -> MessageRef:
        rendered = notice_message(notice)
        channel = self._channel(target)
        try:
            if reference is None:
                sent = await channel.send(
                    content=rendered.content, embeds=_embeds(rendered), allowed_mentions=NO_MENTIONS
                )
            else:
                sent = await channel.send(
                    content=rendered.content,
                    embeds=_embeds(rendered),
                    allowed_mentions=NO_MENTIONS,
                    reference=reference,
                    mention_author=False,
                )
        except Exception as error:
            raise self._map(error) from error
        return MessageRef(channel=str(sent.channel.id), id=str(sent.id))

    def _channel(self, target: Target) -> discord.PartialMessageable:
        if not self._ready.is_set():
            raise TransientDeliveryError("the Discord bot has not logged in yet")
        if not target.channel.isdigit():
            raise PermanentDeliveryError(f"{target.channel!r} is not a Discord channel id")
        guild = int(target.workspace) if target.workspace and target.workspace.isdigit() else None
        return self._client.get_partial_messageable(int(target.channel), guild_id=guild)

    @staticmethod
    def _map(error: Exception) -> DeliveryError:
        if isinstance(error, DeliveryError):
            return error
        if isinstance(error, discord.RateLimited):
            return TransientDeliveryError("Discord rate limit", retry_after=error.retry_after)
        if isinstance(error, discord.HTTPException):
            retry = _retry_after(error.response.headers, None) if error.status == 429 else None
            return _classify(error.status, error.code, error.text, retry)
        if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
            return _network_error(error)
        raise error


class WebhookDelivery:
    """``discord-webhook:URL`` targets: execute with ``?wait=true`` to learn the message id,
    later edit it. No bot, no gateway. Webhooks cannot reply to a message, so an update is a
    new message in the channel; it is still checked against a deleted start message, so a
    deleted one starts a new thread like in the bot's channels."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def post(self, target: Target, notice: Notice) -> MessageRef:
        data = await self._call("POST", _webhook_url(target), {"wait": "true"}, notice)
        if not isinstance(data, dict) or "id" not in data:
            raise TransientDeliveryError("Discord did not say which message the webhook posted")
        return MessageRef(channel=str(data["channel_id"]), id=str(data["id"]))

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, *, broadcast: bool
    ) -> MessageRef:
        await self._call("GET", _webhook_url(target, root.id), {}, None)
        return await self.post(target, notice)

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
        body = _webhook_payload(notice_message(notice)) if notice is not None else None
        try:
            async with self._session.request(method, url, json=body) as response:
                data = await _json(response)
                if response.status < 300:
                    return data
                code = data.get("code", 0) if isinstance(data, dict) else 0
                text = str(data.get("message", "")) if isinstance(data, dict) else ""
                raise _classify(
                    response.status, int(code), text, _retry_after(response.headers, data)
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise _network_error(error) from None


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


def _embeds(rendered: Message) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in rendered.embeds]


async def _json(response: aiohttp.ClientResponse) -> Any:
    """The body as JSON; ``{}`` when empty or not JSON (a proxy's HTML error page)."""
    text = await response.text()
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return {}


def _retry_after(headers: Mapping[str, str], data: Any) -> float | None:
    """Seconds to wait after a 429: the JSON body's ``retry_after``, else ``Retry-After``."""
    if isinstance(data, dict) and isinstance(data.get("retry_after"), int | float):
        return float(data["retry_after"])
    try:
        return float(headers["Retry-After"])
    except (KeyError, ValueError):
        return None
