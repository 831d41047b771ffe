"""Alerts into Slack channels: the core's ``ChatAdapter`` over the Web API.

One call per dispatcher call, no retries of our own (the dispatcher owns them, per channel,
and honours the ``retry_after`` we pass on), except two that Slack itself asks for: join a
public channel on ``not_in_channel``, and resend as plain text when the blocks are refused.

Slack accepts a thread reply under a deleted message and shows it to nobody, so before each
reply we look the root up (``conversations.history`` at its ``ts``) and raise
``ThreadGoneError`` when it is gone: the dispatcher then starts a new thread.

Every post carries the delivery in its metadata; a try that may repeat an earlier one looks
for that first (``metadata``), so a crash between Slack's answer and the outbox's commit does
not post the notice twice. A channel that cannot be read back (no history scope, not a
member) is posted to as before.

The clients (one per workspace), the join and the translation of Slack's errors live in
``clients``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import errors, metadata, render
from adapters.slack.clients import Call, Gone, OnRevoked, Refused, Unverifiable, WorkspaceClients
from adapters.slack.installations import Installations
from bot.notify.notices import Notice
from bot.notify.ports import (
    Attempt,
    MessageRef,
    Target,
    ThreadGoneError,
    TransientDeliveryError,
)

log = logging.getLogger(__name__)

UNREADABLE: Final = frozenset(
    {"missing_scope", "not_in_channel", "channel_not_found", "thread_not_found"}
)
"""Why a channel cannot be read back: then a try that may repeat an earlier one posts."""
LONGEST_WAIT_SECONDS: Final = 120.0


class SlackDelivery:
    def __init__(self, api_url: str, installations: Installations, on_revoked: OnRevoked) -> None:
        self._slack = WorkspaceClients(api_url, installations, on_revoked)
        self._unreadable_logged: set[str] = set()

    async def close(self) -> None:
        await self._slack.close()

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        found = await self._posted_before(target, target.channel, None, attempt)
        if found is not None:
            return found
        message = render.notice_message(notice)

        def send(body: dict[str, Any]) -> Call:
            return lambda c: c.chat_postMessage(
                channel=target.channel,
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata.of(attempt),
                **body,
            )

        response = await self._send_message(target, message, send, "chat.postMessage")
        return MessageRef(channel=str(response.get("channel") or target.channel), id=_ts(response))

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        if not await self._root_exists(target, root):
            raise ThreadGoneError(f"thread root {root.id} in {root.channel} was deleted")
        found = await self._posted_before(target, root.channel, root.id, attempt)
        if found is not None:
            return found
        message = render.notice_message(notice)

        def send(body: dict[str, Any]) -> Call:
            return lambda c: c.chat_postMessage(
                channel=root.channel,
                thread_ts=root.id,
                reply_broadcast=broadcast,
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata.of(attempt),
                **body,
            )

        response = await self._send_message(target, message, send, "chat.postMessage")
        return MessageRef(channel=str(response.get("channel") or root.channel), id=_ts(response))

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        message = render.notice_message(notice)

        def send(body: dict[str, Any]) -> Call:
            return lambda c: c.chat_update(channel=ref.channel, ts=ref.id, **body)

        try:
            await self._send_message(target, message, send, "chat.update")
        except Gone as gone:
            raise ThreadGoneError(f"message {ref.id} in {ref.channel} is gone") from gone

    # --- the root check ---------------------------------------------------------------

    async def _root_exists(self, target: Target, root: MessageRef) -> bool:
        """Whether the thread root is still there (not deleted, not a tombstone)."""
        try:
            response = await self._slack.call(
                target,
                "conversations.history",
                lambda c: c.conversations_history(
                    channel=root.channel, latest=root.id, oldest=root.id, inclusive=True, limit=1
                ),
            )
        except Unverifiable:
            return True
        messages = response.get("messages") or []
        return any(m.get("ts") == root.id and m.get("subtype") != "tombstone" for m in messages)

    # --- a try that may repeat an earlier one -------------------------------------------

    async def _posted_before(
        self, target: Target, channel: str, thread: str | None, attempt: Attempt
    ) -> MessageRef | None:
        """The message an earlier try of ``attempt`` posted, when it may have and it is there:
        read back from a little before that try (the thread's replies, or the channel)."""
        if attempt.maybe_sent_at is None:
            return None
        cursor: str | None = None
        for page in range(metadata.MAX_PAGES):
            response = await self._read_page(
                target, channel, thread, metadata.oldest(attempt.maybe_sent_at), cursor, page
            )
            if response is None:
                return None
            for message in response.get("messages") or []:
                if metadata.carries(message, attempt.delivery):
                    log.info("a notice to %s was posted by an earlier try: not again", target)
                    return MessageRef(channel=channel, id=str(message["ts"]))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return None
        log.warning("read %d pages of %s back without the notice; posting it", page + 1, target)
        return None

    async def _read_page(
        self,
        target: Target,
        channel: str,
        thread: str | None,
        oldest: str,
        cursor: str | None,
        page: int,
    ) -> AsyncSlackResponse | None:
        """One page of the lookup, None when the channel cannot be read. A rate limit on the
        first page goes to the dispatcher (it retries later, and looks again); on a later one
        it is waited out here, so the pages read are not read again."""
        method = "conversations.replies" if thread else "conversations.history"
        page_size = metadata.PAGE_SIZE

        def read(c: AsyncWebClient) -> Awaitable[AsyncSlackResponse]:
            if thread is not None:
                return c.conversations_replies(
                    channel=channel,
                    ts=thread,
                    oldest=oldest,
                    limit=page_size,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            return c.conversations_history(
                channel=channel,
                oldest=oldest,
                limit=page_size,
                include_all_metadata=True,
                cursor=cursor,
            )

        client = await self._slack.client(target.workspace)
        while True:
            try:
                return await self._slack.attempt(client, method, read)
            except SlackApiError as error:
                name = errors.code(error)
                if name in UNREADABLE:
                    if target.key not in self._unreadable_logged:
                        self._unreadable_logged.add(target.key)
                        log.warning(
                            "cannot read %s back (%s): a notice after a crash may repeat there",
                            target,
                            name,
                        )
                    return None
                mapped = await self._slack.translate(target, method, error, client)
                wait = getattr(mapped, "retry_after", None)
                if page == 0 or wait is None or wait > LONGEST_WAIT_SECONDS:
                    raise mapped from None
                await asyncio.sleep(wait)

    # --- sending a notice ---------------------------------------------------------------

    async def _send_message(
        self,
        target: Target,
        message: dict[str, Any],
        send: Callable[[dict[str, Any]], Call],
        method: str,
    ) -> AsyncSlackResponse:
        try:
            return await self._slack.call(target, method, send(message))
        except Refused as refused:
            log.warning("Slack refused a notice to %s (%s); sending it as text", target, refused)
        try:
            return await self._slack.call(target, method, send(render.text_only(message)))
        except Refused as again:
            raise TransientDeliveryError(f"Slack refused the notice ({again})") from None


def _ts(response: AsyncSlackResponse) -> str:
    ts = response.get("ts")
    if not ts:
        raise TransientDeliveryError("Slack answered without a message ts")
    return str(ts)
