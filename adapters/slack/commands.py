"""``/is-claude-down``: a slash command's fields in, the asker's answer out.

The same answer whichever way the command came: over HTTP (``events_route``, which verifies
and answers it before bolt, the hot path of an outage) or over Socket Mode (bolt's listener).
The core answers from memory, so the answer is ready well within Slack's three seconds; if it
is not ready in ``ACK_BUDGET_SECONDS`` the asker is told so and gets it through the command's
``response_url``. The channel note (who subscribed the channel) follows in the background.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from bot.api import Ask, ChatContext, Command, CoreAPI, History
from bot.ask.answers import AlertsAnswer, Answer, TextAnswer

log = logging.getLogger(__name__)

COMMAND: Final = "/is-claude-down"
ACK_BUDGET_SECONDS: Final = 2.5
SORRY: Final = "Sorry, I could not answer that just now. Try again in a minute."
NOT_INSTALLED: Final = (
    "I am not installed in this workspace any more, so I could not post alerts here. "
    "Ask an admin to add the app again (its install page is /slack/install on the bot's "
    "address); questions still work meanwhile."
)
Installed = Callable[[str | None], Awaitable[bool]]
"""Whether the app holds a bot token for a workspace (OAuth); asked only before a change."""


@dataclass(frozen=True)
class Reply:
    """The asker's copy of an answer: Slack's message fields, and the same as the JSON body
    of the HTTP answer (encoded once, like the message is rendered once)."""

    message: dict[str, Any]
    body: bytes = field(repr=False)

    @classmethod
    def of(cls, message: dict[str, Any]) -> Reply:
        whole = {**message, "response_type": "ephemeral"}
        return cls(whole, json.dumps(whole, ensure_ascii=False).encode())


class Background:
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


class SlashCommands:
    def __init__(self, core: CoreAPI, later: Background, installed: Installed | None) -> None:
        self._core = core
        self._later = later
        self._installed = installed
        self._rendered = _Rendered()

    async def answer(self, command: Mapping[str, Any]) -> Reply:
        """The reply to one slash command (its form fields, as Slack sends them)."""
        words = words_of(str(command.get("text") or ""))
        ctx = ChatContext(
            platform="slack",
            channel=str(command.get("channel_id") or ""),
            user=str(command.get("user_id") or ""),
            workspace=command.get("team_id") or None,
            user_name=command.get("user_name") or None,
            can_manage=True,
        )
        asked = self._core.parse(words)
        answer = self._core.answer_from_memory(asked, ctx)
        if answer is None:
            if not await self._may_change(ctx.workspace):
                return Reply.of({"text": NOT_INSTALLED})
            pending = asyncio.ensure_future(self._core.answer(asked, ctx))
            done, _ = await asyncio.wait((pending,), timeout=ACK_BUDGET_SECONDS)
            if not done:
                # Slack gives up after 3 s; say we are on it and answer through response_url.
                self._later.run(self._answer_late(pending, asked, words, command))
                return Reply.of({"text": "⏳ Checking…"})
            if pending.exception() is not None:
                log.error("the core failed to answer a Slack command", exc_info=pending.exception())
                return Reply.of({"text": SORRY})
            answer = pending.result()
        self._note(answer, command)
        return self._rendered.reply(answer, asked, words)

    def _note(self, answer: Answer, command: Mapping[str, Any]) -> None:
        """The channel's public line about a change (who subscribed it), in the background."""
        if isinstance(answer, TextAnswer | AlertsAnswer) and answer.channel_note:
            note = render.note_message(answer.channel_note)
            self._later.run(respond(command, {**note, "response_type": "in_channel"}))

    async def _may_change(self, workspace: str | None) -> bool:
        """Whether a command that changes the channel may run: the app must be installed in
        the workspace to post there later (bolt's own check, which answers go without)."""
        if self._installed is None:
            return True
        try:
            return await self._installed(workspace)
        except Exception:  # the database is away: the change itself will say so
            return True

    async def _answer_late(
        self,
        pending: asyncio.Future[Answer],
        asked: Command,
        words: str,
        command: Mapping[str, Any],
    ) -> None:
        try:
            late = await pending
        except Exception:
            log.exception("the core failed to answer a Slack command")
            return
        await respond(command, self._rendered.reply(late, asked, words).message)
        self._note(late, command)


async def respond(command: Mapping[str, Any], message: dict[str, Any]) -> None:
    """Post ``message`` through the command's ``response_url`` (not as the command's answer).

    ``replace_original`` false: Slack would otherwise replace the asker's private answer."""
    url = str(command.get("response_url") or "")
    if not url:
        return
    sent = await AsyncWebhookClient(url).send_dict({**message, "replace_original": False})
    if sent.status_code != 200:
        log.warning("Slack refused a response_url message: HTTP %s", sent.status_code)


def shareable(asked: Command) -> bool:
    """Sharing re-asks the core, so only commands that change nothing may be shared."""
    return isinstance(asked, Ask | History)


def words_of(text: str) -> str:
    """What the user typed: Slack sends ``&``, ``<``, ``>`` as entities."""
    return html.unescape(text).strip() if "&" in text else text.strip()


class _Rendered:
    """The asker's copy of the last answers, rendered once: the core hands out the same answer
    object while nothing in it changes (a burst of the same question during an outage)."""

    SIZE: Final = 64

    def __init__(self) -> None:
        self._replies: OrderedDict[tuple[int, str], tuple[Answer, Reply]] = OrderedDict()

    def reply(self, answer: Answer, asked: Command, words: str) -> Reply:
        key = (id(answer), words)
        found = self._replies.get(key)
        if found is not None and found[0] is answer:
            return found[1]
        # The share button carries the user's words (a Slack button's value is text): a click
        # hands them to the core's grammar again, like the slash command did.
        share = (words or "status") if shareable(asked) else None
        made = Reply.of(render.answer_message(answer, share=share))
        self._replies[key] = (answer, made)  # the answer is kept, so its id is not reused
        if len(self._replies) > self.SIZE:
            self._replies.popitem(last=False)
        return made
