"""Calling Slack for the delivery: one client per workspace, the one retry Slack asks for, and
Slack's errors as the dispatcher's.

One client per workspace over one aiohttp session, so a fan-out reuses its connections to
Slack instead of opening one (and looking the token up) per message; ``close()`` ends them.
A post to a public channel the bot is not in joins it (``not_in_channel``) and tries once more.
A revoked token is reported once it is known not to have been replaced meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import errors
from adapters.slack.installations import Installations
from bot.notify.ports import PermanentDeliveryError, Target, TransientDeliveryError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS: Final = 15
Call = Callable[[AsyncWebClient], Awaitable[AsyncSlackResponse]]
OnRevoked = Callable[[str, str], Awaitable[None]]


def web_client(
    api_url: str, token: str | None = None, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A client for ``SLACK_API_URL`` without slack-sdk's own retries: the dispatcher retries."""
    return AsyncWebClient(
        token=token, base_url=api_url, timeout=TIMEOUT_SECONDS, retry_handlers=[], session=session
    )


class Gone(Exception):
    """``chat.update`` found no message: it was deleted."""


class Unverifiable(Exception):
    """The root cannot be looked up (no history scope here): reply as if it were there."""


class Refused(Exception):
    """Slack refused the payload (blocks, size): try once more as plain text."""


class WorkspaceClients:
    def __init__(self, api_url: str, installations: Installations, on_revoked: OnRevoked) -> None:
        self._api_url = api_url
        self._installations = installations
        self._on_revoked = on_revoked
        self._history_unavailable_logged = False
        self._session: aiohttp.ClientSession | None = None
        self._clients: dict[str | None, AsyncWebClient] = {}
        """workspace -> the client holding its current token."""

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._clients.clear()

    async def client(self, workspace: str | None) -> AsyncWebClient:
        token = await self._installations.bot_token(workspace)
        client = self._clients.get(workspace)
        if client is None or client.token != token:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            client = self._clients[workspace] = web_client(self._api_url, token, self._session)
        return client

    async def call(self, target: Target, method: str, call: Call) -> AsyncSlackResponse:
        """``call`` in the target's workspace, joining the channel first if Slack asks."""
        client = await self.client(target.workspace)
        try:
            return await self.attempt(client, method, call)
        except SlackApiError as error:
            name = errors.code(error)
            if name != "not_in_channel":
                raise await self.translate(target, method, error, client) from None
        await self._join(target, client)
        try:
            return await self.attempt(client, method, call)
        except SlackApiError as error:
            raise await self.translate(target, method, error, client) from None

    async def attempt(self, client: AsyncWebClient, method: str, call: Call) -> AsyncSlackResponse:
        """One call; Slack's own errors pass through, a connection that fails is transient."""
        try:
            return await call(client)
        except SlackApiError:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TransientDeliveryError(
                f"could not reach Slack ({method}): {type(error).__name__}"
            ) from None

    async def _join(self, target: Target, client: AsyncWebClient) -> None:
        """Join a public channel the bot was not in (``channels:join``)."""
        try:
            await self.attempt(
                client, "conversations.join", lambda c: c.conversations_join(channel=target.channel)
            )
        except SlackApiError as error:
            mapped = await self.translate(target, "conversations.join", error, client)
            if isinstance(mapped, PermanentDeliveryError):
                why = errors.code(error)
                reason = f"not_in_channel: could not join ({why}); invite the app to the channel"
                raise PermanentDeliveryError(reason) from None
            raise mapped from None
        log.info("joined Slack channel %s to post alerts", target)

    async def translate(
        self, target: Target, method: str, error: SlackApiError, client: AsyncWebClient
    ) -> Exception:
        """Slack's error as the dispatcher's (or as ``Gone``, ``Unverifiable``, ``Refused`` for
        the delivery to handle)."""
        name = errors.code(error)
        if method == "chat.update" and name in ("message_not_found", "cant_update_message"):
            return Gone(name)
        if method == "conversations.history" and name == "missing_scope":
            if not self._history_unavailable_logged:
                log.warning(
                    "cannot check for deleted thread roots in %s: missing a history scope", target
                )
                self._history_unavailable_logged = True
            return Unverifiable(name)
        if name in errors.REFUSED_PAYLOAD:
            return Refused(name)
        mapped = errors.to_delivery_error(error, method)
        if name in errors.REVOKED and target.workspace:
            if client.token and await self._installations.replaced(target.workspace, client.token):
                return TransientDeliveryError(f"{name} for a replaced token; retrying", 0.0)
            await self._on_revoked(target.workspace, name)
        return mapped
