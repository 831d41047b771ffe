"""Inbound Slack: the slash command, the share button, mentions, and uninstall events.

The text Slack sends goes to the core's grammar (``core.parse``) and every answer comes from
the core (``core.answer``), which never fetches the feed (a status answer comes from memory
alone), so the slash command is answered inside the ``ack`` well within Slack's three seconds.
The app runs with ``process_before_response``: bolt answers the HTTP request when a listener
returns, so listeners return right after ``ack()`` and leave the rest (the channel note, a late
answer, a mention's reply, an uninstall's clean-up) to background tasks. Slack redelivers an
event it thinks we missed; a mention we already answered is not answered again.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any, Final

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot.api import Ask, ChatContext, Command, CoreAPI, History
from bot.ask.answers import AlertsAnswer, Answer, TextAnswer

log = logging.getLogger(__name__)

COMMAND: Final = "/is-claude-down"
ACK_BUDGET_SECONDS: Final = 2.5
SORRY: Final = "Sorry, I could not answer that just now. Try again in a minute."
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
OnRevoked = Callable[[str, str], Awaitable[None]]


def register(app: AsyncApp, core: CoreAPI, on_revoked: OnRevoked) -> None:
    """Attach every listener to the bolt ``app``."""
    later = _Background()
    rendered = _Rendered()

    @app.command(COMMAND)
    async def slash_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        words = _words(command.get("text", ""))
        ctx = ChatContext(
            platform="slack",
            channel=str(command.get("channel_id", "")),
            user=str(command.get("user_id", "")),
            workspace=command.get("team_id"),
            user_name=command.get("user_name"),
            can_manage=True,
        )
        asked = core.parse(words)
        pending = asyncio.ensure_future(core.answer(asked, ctx))
        try:
            answer = await asyncio.wait_for(asyncio.shield(pending), ACK_BUDGET_SECONDS)
        except TimeoutError:
            # Slack gives up after 3 s; say we are on it and answer through response_url.
            await ack(text="⏳ Checking…", response_type="ephemeral")
            later.run(_answer_late(pending, asked, words, respond))
            return
        except Exception:
            log.exception("the core failed to answer a Slack command")
            await ack(text=SORRY, response_type="ephemeral")
            return
        await ack(**rendered.private(answer, asked, words), response_type="ephemeral")
        if isinstance(answer, TextAnswer | AlertsAnswer) and answer.channel_note:
            later.run(
                respond(
                    **render.note_message(answer.channel_note),
                    response_type="in_channel",
                    replace_original=False,
                )
            )

    @app.action(render.SHARE_ACTION)
    async def share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        later.run(_share(body, respond))

    async def _share(body: dict[str, Any], respond: AsyncRespond) -> None:
        actions = body.get("actions") or [{}]
        asked = core.parse(_words(str(actions[0].get("value") or "")))
        if not _shareable(asked):
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
        asked = core.parse(_words(_MENTION.sub(" ", event.get("text", ""))))
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


class _Background:
    """Work a listener starts and does not wait for: kept referenced until done, its failure
    logged (nobody awaits it)."""

    def __init__(self) -> None:
        self._running: set[asyncio.Future[Any]] = set()

    def run(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a Slack listener's background work failed", exc_info=task.exception())


class _Rendered:
    """The asker's copy of the last answers, rendered once: the core hands out the same answer
    object while nothing in it changes (a burst of the same question during an outage)."""

    SIZE: Final = 64

    def __init__(self) -> None:
        self._messages: OrderedDict[tuple[int, str], tuple[Answer, dict[str, Any]]] = OrderedDict()

    def private(self, answer: Answer, asked: Command, words: str) -> dict[str, Any]:
        key = (id(answer), words)
        found = self._messages.get(key)
        if found is not None and found[0] is answer:
            return found[1]
        message = _private(answer, asked, words)
        self._messages[key] = (answer, message)  # the answer is kept, so its id is not reused
        if len(self._messages) > self.SIZE:
            self._messages.popitem(last=False)
        return message


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


def _private(answer: Answer, asked: Command, words: str) -> dict[str, Any]:
    """The answer for the asker only, with a button to share it when it is worth sharing.
    The button carries the user's words (a Slack button's value is text): a click hands them
    to the core's grammar again, like the slash command did."""
    share = (words or "status") if _shareable(asked) else None
    return render.answer_message(answer, share=share)


def _shareable(asked: Command) -> bool:
    """Sharing re-asks the core, so only commands that change nothing may be shared."""
    return isinstance(asked, Ask | History)


def _words(text: str) -> str:
    """What the user typed: Slack sends ``&``, ``<``, ``>`` as entities."""
    return html.unescape(text).strip() if "&" in text else text.strip()


async def _answer_late(
    pending: asyncio.Future[Answer], asked: Command, words: str, respond: AsyncRespond
) -> None:
    try:
        late = await pending
    except Exception:
        log.exception("the core failed to answer a Slack command")
        return
    await respond(**_private(late, asked, words), response_type="ephemeral")
