"""``POST /slack/events``: ``/is-claude-down`` verified and answered here, everything else by bolt.

The slash command is the hot path of an outage: a hundred people asking in the same minute.
Through bolt, five-sixths of each answer's time went to its dispatch (request object,
middleware chain, a workspace lookup, listener matching) before our code ran, so a burst of a
hundred queued for hundreds of milliseconds. Here a command costs what it must: the signature
checked with slack-sdk's own verifier (v0 HMAC-SHA256, at most five minutes old, compared in
constant time), the form read, the answer returned from memory. Everything else (events, the
share button, Slack's SSL check, other commands) goes to bolt, which verifies it itself.
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import unquote_plus

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.commands import COMMAND, SlashCommands

log = logging.getLogger(__name__)

EVENTS_PATH: Final = "/slack/events"
FORM: Final = "application/x-www-form-urlencoded"
REFUSED: Final = b'{"error":"invalid request"}'
"""bolt's own answer to a request it cannot verify, with its status, 401."""


class EventsRoute:
    def __init__(self, bolt: AsyncApp, signing_secret: str, commands: SlashCommands) -> None:
        self._bolt = bolt
        self._verifier = SignatureVerifier(signing_secret)
        self._commands = commands

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type == FORM:
            body = await request.read()
            fields = _form(body)
            if fields.get("command") == COMMAND and "ssl_check" not in fields:
                return await self._command(request, body, fields)
        response = await self._bolt.async_dispatch(await to_bolt_request(request))
        if response.status == 401:
            _refused()
        return await to_aiohttp_response(response)

    async def _command(
        self, request: web.Request, body: bytes, fields: dict[str, str]
    ) -> web.Response:
        if not self._verified(request, body):
            _refused()
            return web.Response(status=401, body=REFUSED, content_type="application/json")
        reply = await self._commands.answer(fields)
        return web.Response(body=reply.body, content_type="application/json", charset="utf-8")

    def _verified(self, request: web.Request, body: bytes) -> bool:
        try:
            return self._verifier.is_valid(
                body,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
            )
        except ValueError:  # a timestamp that is not a number
            return False


def _form(body: bytes) -> dict[str, str]:
    """A form's fields, decoded as ``urllib.parse.parse_qsl`` decodes them (``+`` is a space,
    ``%XX`` a byte of UTF-8), in two thirds of its time: most of Slack's fields (ids, flags)
    have nothing to decode, and ``parse_qsl`` was a tenth of a command's whole cost."""
    fields: dict[str, str] = {}
    for pair in body.decode("utf-8", "replace").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        fields[_decoded(name)] = _decoded(value)
    return fields


def _decoded(text: str) -> str:
    return unquote_plus(text) if "%" in text or "+" in text else text


def _refused() -> None:
    log.info(
        "refused a request to %s: missing, wrong or stale Slack signature "
        "(check SLACK_SIGNING_SECRET and the server clock)",
        EVENTS_PATH,
    )
