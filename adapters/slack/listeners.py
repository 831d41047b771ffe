"""Inbound Slack through bolt: the slash command over Socket Mode, the share button,
mentions, and uninstall events.

The text Slack sends goes to the core's grammar (``core.parse``) and every answer comes from
the core (``core.answer``), which never fetches the feed. The app runs with
``process_before_response``: bolt answers the HTTP request when a listener returns, so
listeners return right after ``ack()`` and leave the rest (a mention's reply, a share, an
uninstall's clean-up) to background tasks. Slack redelivers an event it thinks we missed; a
mention we already answered is not answered again.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.commands import COMMAND, Background, SlashCommands, shareable, words_of
from bot.api import ChatContext, CoreAPI
from bot.ask.answers import AlertsAnswer, TextAnswer

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
OnRevoked = Callable[[str, str], Awaitable[None]]


def register(
    app: AsyncApp,
    commands: SlashCommands,
    core: CoreAPI,
    later: Background,
    on_revoked: OnRevoked,
) -> None:
    """Attach every listener to the bolt ``app``. Over HTTP the slash command is answered
    before bolt (``events_route``); bolt's listener answers it over Socket Mode."""

    @app.command(COMMAND)
    async def slash_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(**(await commands.answer(command)).message)

    @app.action(render.SHARE_ACTION)
    async def share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        later.run(_share(body, respond))

    async def _share(body: dict[str, Any], respond: AsyncRespond) -> None:
        actions = body.get("actions") or [{}]
        asked = core.parse(words_of(str(actions[0].get("value") or "")))
        if not shareable(asked):
            await respond(
                text="Only status and history answers can be shared.", replace_original=False
            )
            return
        user = body.get("user") or {}
        ctx = ChatContext(
            platform="slack",
            channel=str((body.get("channel") or {}).get("id", "")),
            user=str(user.get("id", "")),
            workspace=(body.get("team") or {}).get("id"),
            user_name=user.get("username") or user.get("name"),
            can_manage=True,
        )
        answer = await core.answer(asked, ctx)
        message = render.answer_message(answer, shared_by=ctx.user)
        await respond(**message, response_type="in_channel", replace_original=False)
        await respond(delete_original=True)

    seen = _Seen()

    @app.event("app_mention")
    async def mention(
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if not seen.first(str(body.get("event_id") or "")):
            return  # Slack's retry of an event we already answered
        later.run(_reply_to_mention(event, context, client))

    async def _reply_to_mention(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        channel = str(event.get("channel", ""))
        ctx = ChatContext(
            platform="slack",
            channel=channel,
            user=str(event.get("user", "")),
            workspace=event.get("team") or context.team_id,
            can_manage=True,
        )
        asked = core.parse(words_of(_MENTION.sub(" ", event.get("text", ""))))
        answer = await core.answer(asked, ctx)
        thread = event.get("thread_ts") or event.get("ts")
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=thread,
                unfurl_links=False,
                **render.answer_message(answer),
            )
            if isinstance(answer, TextAnswer | AlertsAnswer) and answer.channel_note:
                await client.chat_postMessage(
                    channel=channel, **render.note_message(answer.channel_note)
                )
        except SlackApiError as error:
            log.warning(
                "could not answer a mention in %s: %s", channel, error.response.get("error")
            )

    @app.event("app_uninstalled")
    async def uninstalled(context: AsyncBoltContext) -> None:
        if context.team_id:
            later.run(on_revoked(context.team_id, "app_uninstalled"))

    @app.event("tokens_revoked")
    async def tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if context.team_id and (event.get("tokens") or {}).get("bot"):
            later.run(on_revoked(context.team_id, "tokens_revoked"))


class _Seen:
    """The last few event ids, to drop Slack's redeliveries."""

    def __init__(self, size: int = 1000) -> None:
        self._order: deque[str] = deque(maxlen=size)
        self._ids: set[str] = set()

    def first(self, event_id: str) -> bool:
        if not event_id:
            return True
        if event_id in self._ids:
            return False
        if len(self._order) == self._order.maxlen:
            self._ids.discard(self._order[0])
        self._order.append(event_id)
        self._ids.add(event_id)
        return True
