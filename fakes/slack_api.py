"""A fake Slack on loopback: the Web API, ``response_url``s, OAuth and a Socket Mode socket.

It speaks the real wire protocol, so slack-sdk and slack-bolt run against it unchanged: form,
query or JSON bodies, ``Authorization: Bearer`` tokens, ``{"ok": true, ...}`` answers with
``ts`` values, Slack's error names, 429 with ``Retry-After``. It keeps each channel's
messages (so a test can delete a thread root, as a person would), checks Block Kit limits the
way Slack refuses oversized messages, and records every call. Faults are scripted per method
and/or channel for the next N calls (``fail``); ``hold`` carries out the next matching call
and keeps its answer back (a process killed then never learns that Slack took the message).

Message metadata: ``chat.postMessage`` keeps ``metadata`` (``event_type``, ``event_payload``;
JSON in a form body, an object in a JSON body) and answers it on the ``message`` it returns;
``conversations.history`` and ``.replies`` show it on each message only with
``include_all_metadata=true`` ("Return all metadata associated with messages. Defaults to
false", docs.slack.dev), in the shape slack-sdk's own test reads back
(python-slack-sdk integration_tests/web/test_message_metadata.py:
``history["messages"][0]["metadata"]``). Both page with ``limit``, ``cursor`` and
``response_metadata.next_cursor``, and honour ``oldest``/``latest``; a message's ``ts`` is the
wall clock when it was posted (unique, increasing), so ``oldest`` works as in Slack.

Use it inside a running event loop: ``async with FakeSlack() as slack: ...``; point
``SLACK_API_URL`` at ``slack.api_url``. ``sign`` signs a request to ``/slack/events`` exactly
as Slack does.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web

from fakes.loopback import AIOHTTP_SHUTDOWN_SECONDS, serve

TEAM_ID = "T0TEAM001"
BOT_USER_ID = "U0BOT0001"
BOT_ID = "B0BOT0001"
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
SIGNING_SECRET = "fake-signing-secret-0123456789abcdef"


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``: v0 HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command(
    text: str,
    *,
    response_url: str,
    channel: str = "C0GENERAL",
    user: str = "U0ALICE01",
    user_name: str = "alice",
    team: str = TEAM_ID,
) -> str:
    """The form body Slack posts for ``/is-claude-down TEXT``."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user_name,
            "command": "/is-claude-down",
            "text": text,
            "api_app_id": "A0APP0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def block_action(
    action_id: str,
    value: str,
    *,
    response_url: str,
    channel: str = "C0GENERAL",
    user: str = "U0ALICE01",
    team: str = TEAM_ID,
) -> str:
    """The form body Slack posts when someone clicks a button in an ephemeral message."""
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "fake"},
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": team},
        "api_app_id": "A0APP0001",
        "container": {"type": "message", "message_ts": "1.2", "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def event_callback(event: dict[str, Any], *, event_id: str, team: str = TEAM_ID) -> str:
    """The JSON body of an Events API delivery."""
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team,
            "api_app_id": "A0APP0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }
    )


def message_texts(payload: object) -> list[str]:
    """Every piece of text in a message payload (``text``, ``fallback``, nested in blocks and
    attachments): all a reader of the message could see."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "fallback") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return found


def texts(payload: object) -> str:
    return "\n".join(message_texts(payload))


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    peer: str = ""
    """The client's address and port: one value per TCP connection."""


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    thread_ts: str | None = None
    reply_broadcast: bool = False
    deleted: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    first_text: str = ""
    metadata: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.first_text = self.first_text or self.text

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def as_json(self, *, metadata: bool = True) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": "A0APP0001",
            "ts": self.ts,
            "text": self.text,
        }
        if metadata and self.metadata is not None:
            shown["metadata"] = self.metadata
        if self.blocks:
            shown["blocks"] = self.blocks
        if self.attachments:
            shown["attachments"] = self.attachments
        if self.thread_ts:
            shown["thread_ts"] = self.thread_ts
        return shown


@dataclass
class Channel:
    id: str
    private: bool = False
    member: bool = True
    archived: bool = False


@dataclass
class Fault:
    method: str | None
    channel: str | None
    error: str | None
    status: int
    retry_after: float | None
    times: int
    skip: int = 0


@dataclass
class Hold:
    """Calls to ``method`` carried out with their answer kept back, ``times`` more of them."""

    method: str
    times: int
    held: list[Call] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Installation:
    team_id: str
    token: str
    bot_user_id: str = BOT_USER_ID


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.hold_responses: asyncio.Event | None = None
        """When set, posts to a ``response_url`` wait for it (a slow Slack)."""
        self.channels: dict[str, Channel] = {}
        self.tokens: dict[str, str] = {BOT_TOKEN: TEAM_ID}
        self.revoked: set[str] = set()
        self.oauth_codes: dict[str, Installation] = {}
        self.socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._messages: list[Message] = []
        self._faults: list[Fault] = []
        self._holds: list[Hold] = []
        self._last_ts = 0.0
        self._clock = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- life cycle -------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner, self.port = await serve(app, AIOHTTP_SHUTDOWN_SECONDS)
        return self

    async def __aexit__(self, *_: object) -> None:
        for hold in self._holds:
            hold.release.set()
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}/response/{name}"

    # --- scripting --------------------------------------------------------------------

    def fail(
        self,
        method: str | None = None,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: float | None = None,
        channel: str | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        """The next ``times`` matching calls fail (after ``skip`` more that go through):
        ``error`` (Slack's name) with ``status``.

        ``status=429`` answers ``ratelimited`` with ``Retry-After``; ``status=500`` an HTML
        error page like Slack's edge; otherwise ``{"ok": false, "error": error}``.
        """
        self._faults.append(Fault(method, channel, error, status, retry_after, times, skip))

    def hold(self, method: str, *, times: int = 1) -> Hold:
        """The next ``times`` calls to ``method`` are carried out (a message is posted) and
        their answers kept back until ``Hold.release`` is set (or the fake stops): the bot
        never learns that Slack took them. ``Hold.held`` lists them as they come."""
        hold = Hold(method, times)
        self._holds.append(hold)
        return hold

    def add_channel(
        self, channel: str, *, private: bool = False, member: bool = True, archived: bool = False
    ) -> None:
        self.channels[channel] = Channel(channel, private, member, archived)

    def delete_message(self, channel: str, ts: str) -> None:
        """What a person deleting the message does."""
        for message in self._messages:
            if message.channel == channel and message.ts == ts:
                message.deleted = True
                return
        raise KeyError(f"no message {ts} in {channel}")

    def issue_oauth_code(self, team_id: str, token: str) -> str:
        code = f"code-{team_id}-{len(self.oauth_codes)}"
        self.oauth_codes[code] = Installation(team_id, token)
        return code

    # --- what happened ----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[Message]:
        return [m for m in self._messages if channel is None or m.channel == channel]

    def roots(self, channel: str) -> list[Message]:
        return [m for m in self.messages(channel) if not m.is_reply]

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        return [m for m in self.messages(channel) if m.is_reply and m.thread_ts == thread_ts]

    # --- Socket Mode ------------------------------------------------------------------

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], timeout: float = 5.0
    ) -> dict[str, Any]:
        """Push one Socket Mode envelope to the connected app and wait for its ack."""
        for _ in range(int(timeout * 100)):
            if self._sockets:
                break
            await asyncio.sleep(0.01)
        else:
            raise TimeoutError("no Socket Mode client connected")
        envelope_id = f"env-{next(self._clock)}"
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.socket_acks[envelope_id] = waiter
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(waiter, timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            waiter = self.socket_acks.pop(str(data.get("envelope_id")), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data.get("payload") or {})
        self._sockets.remove(ws)
        return ws

    # --- HTTP -------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.hold_responses is not None:
            await self.hold_responses.wait()
        self.responses.append((request.match_info["id"], body))
        return web.Response(text="ok", content_type="text/plain")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        token = _token(request, params)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        call = Call(method, params, token, f"{peer[0]}:{peer[1]}" if peer else "")
        self.calls.append(call)
        fault = self._take_fault(method, params.get("channel"))
        if fault is not None:
            return _fault_answer(fault)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return _error("unknown_method", status=404)
        if method not in ("oauth.v2.access", "apps.connections.open"):
            problem = self._auth_problem(token)
            if problem:
                return _error(problem)
        result: web.Response = await handler(params, token)
        hold = next((h for h in self._holds if h.method == method and h.times > 0), None)
        if hold is not None and result.status == 200:
            hold.times -= 1
            hold.held.append(call)
            await hold.release.wait()
        return result

    def _take_fault(self, method: str, channel: object) -> Fault | None:
        for fault in self._faults:
            if fault.method not in (None, method) or fault.channel not in (None, channel):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            return fault
        return None

    def _auth_problem(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if token in self.revoked:
            return "token_revoked"
        if token not in self.tokens:
            return "invalid_auth"
        return None

    def _channel(self, channel_id: object) -> Channel | None:
        if not isinstance(channel_id, str) or not channel_id:
            return None
        return self.channels.setdefault(channel_id, Channel(channel_id))

    def _next_ts(self) -> str:
        """The wall clock, as Slack stamps a message: unique and increasing."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    # --- methods ----------------------------------------------------------------------

    async def _m_auth_test(self, params: dict[str, Any], token: str | None) -> web.Response:
        team = self.tokens[str(token)]
        return _ok(
            {
                "url": "https://fake.slack.test/",
                "team": "Fake Team",
                "user": "is-claude-down",
                "team_id": team,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            },
            headers={"x-oauth-scopes": "commands,chat:write,app_mentions:read"},
        )

    async def _m_chat_postMessage(self, params: dict[str, Any], token: str | None) -> web.Response:
        channel = self._channel(params.get("channel"))
        problem = _postable(channel) or _payload_problem(params)
        if problem:
            return _error(problem)
        assert channel is not None
        thread_ts = params.get("thread_ts") or None
        message = Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=str(params.get("text") or ""),
            blocks=_json_list(params.get("blocks")),
            attachments=_json_list(params.get("attachments")),
            thread_ts=str(thread_ts) if thread_ts else None,
            reply_broadcast=_truthy(params.get("reply_broadcast")),
            metadata=_json_object(params.get("metadata")),
        )
        self._messages.append(message)
        return _ok({"channel": channel.id, "ts": message.ts, "message": message.as_json()})

    async def _m_chat_update(self, params: dict[str, Any], token: str | None) -> web.Response:
        channel = self._channel(params.get("channel"))
        problem = _postable(channel) or _payload_problem(params)
        if problem:
            return _error(problem)
        found = self._find(str(params.get("channel")), str(params.get("ts")))
        if found is None or found.deleted:
            return _error("message_not_found")
        found.edits.append(dict(params))
        found.text = str(params.get("text") or "")
        found.blocks = _json_list(params.get("blocks"))
        found.attachments = _json_list(params.get("attachments"))
        return _ok({"channel": found.channel, "ts": found.ts, "text": found.text})

    async def _m_chat_postEphemeral(
        self, params: dict[str, Any], token: str | None
    ) -> web.Response:
        problem = _postable(self._channel(params.get("channel"))) or _payload_problem(params)
        if problem:
            return _error(problem)
        return _ok({"message_ts": self._next_ts()})

    async def _m_conversations_join(
        self, params: dict[str, Any], token: str | None
    ) -> web.Response:
        channel = self._channel(params.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        if channel.archived:
            return _error("is_archived")
        if channel.private:
            return _error("method_not_supported_for_channel_type")
        channel.member = True
        return _ok({"channel": {"id": channel.id, "name": "general", "is_member": True}})

    async def _m_conversations_history(
        self, params: dict[str, Any], token: str | None
    ) -> web.Response:
        channel = self._channel(params.get("channel"))
        problem = _readable(channel)
        if problem:
            return _error(problem)
        assert channel is not None
        inside = _time_range(params)
        metadata = _truthy(params.get("include_all_metadata"))
        shown = []
        for message in reversed(self.messages(channel.id)):  # newest first, as Slack
            if message.is_reply and not message.reply_broadcast:
                continue
            if not inside(message.ts):
                continue
            if message.deleted:
                if self.replies(channel.id, message.ts):
                    shown.append({"type": "message", "subtype": "tombstone", "ts": message.ts})
                continue
            shown.append(message.as_json(metadata=metadata))
        return _ok(_page(shown, params))

    async def _m_conversations_replies(
        self, params: dict[str, Any], token: str | None
    ) -> web.Response:
        channel = self._channel(params.get("channel"))
        problem = _readable(channel)
        if problem:
            return _error(problem)
        assert channel is not None
        root = self._find(channel.id, str(params.get("ts")))
        if root is None or (root.deleted and not self.replies(channel.id, root.ts)):
            return _error("thread_not_found")
        inside = _time_range(params)
        metadata = _truthy(params.get("include_all_metadata"))
        replies = [m for m in self.replies(channel.id, root.ts) if inside(m.ts)]
        thread = [m.as_json(metadata=metadata) for m in [root, *replies] if not m.deleted]
        return _ok(_page(thread, params))  # the root first, then the replies oldest first

    async def _m_oauth_v2_access(self, params: dict[str, Any], token: str | None) -> web.Response:
        installation = self.oauth_codes.pop(str(params.get("code")), None)
        if installation is None:
            return _error("invalid_code")
        self.tokens[installation.token] = installation.team_id
        return _ok(
            {
                "app_id": "A0APP0001",
                "authed_user": {"id": "U0ALICE01"},
                "scope": "commands,chat:write,app_mentions:read,channels:join,channels:history",
                "token_type": "bot",
                "access_token": installation.token,
                "bot_user_id": installation.bot_user_id,
                "team": {"id": installation.team_id, "name": f"Team {installation.team_id}"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        )

    async def _m_apps_connections_open(
        self, params: dict[str, Any], token: str | None
    ) -> web.Response:
        if token != APP_TOKEN:
            return _error("invalid_auth")
        return _ok({"url": f"ws://127.0.0.1:{self.port}/socket"})

    def _find(self, channel: str, ts: str) -> Message | None:
        for message in self._messages:
            if message.channel == channel and message.ts == ts:
                return message
        return None


# --- wire helpers -------------------------------------------------------------------------


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    raw = await request.text()
    if not raw:
        return params
    if request.content_type == "application/json":
        params.update(json.loads(raw))
    else:
        params.update(dict(parse_qsl(raw, keep_blank_values=True)))
    return params


def _token(request: web.Request, params: dict[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    if header.startswith("Basic "):  # oauth.v2.access: client_id:client_secret
        client_id, _, _ = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        params.setdefault("client_id", client_id)
        return None
    token = params.pop("token", None)
    return str(token) if token else None


def _ok(data: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"ok": True, **data}, headers=headers)


def _error(name: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"ok": False, "error": name}, status=status, headers=headers)


def _fault_answer(fault: Fault) -> web.Response:
    if fault.status == 429:
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
        return _error(fault.error or "ratelimited", status=429, headers=headers)
    if fault.status >= 500:
        page = "<html><body><h1>500 Internal Server Error</h1></body></html>"
        return web.Response(status=fault.status, text=page, content_type="text/html")
    return _error(fault.error or "fatal_error", status=fault.status)


def _postable(channel: Channel | None) -> str | None:
    if channel is None:
        return "channel_not_found"
    if channel.private and not channel.member:
        return "channel_not_found"  # a private channel the bot is not in is invisible to it
    if channel.archived:
        return "is_archived"
    if not channel.member:
        return "not_in_channel"
    return None


def _readable(channel: Channel | None) -> str | None:
    problem = _postable(channel)
    return None if problem == "is_archived" else problem


def _time_range(params: dict[str, Any]) -> Any:
    """Whether a ts lies within the call's ``oldest`` and ``latest`` (``inclusive`` or not)."""
    latest = float(params.get("latest") or "inf")
    oldest = float(params.get("oldest") or 0)
    inclusive = _truthy(params.get("inclusive"))

    def inside(ts: str) -> bool:
        at = float(ts)
        return oldest <= at <= latest if inclusive else oldest < at < latest

    return inside


def _page(messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """One page of ``messages`` by ``limit`` and ``cursor`` (an offset, opaque to clients)."""
    limit = int(params.get("limit") or 100)
    start = int(str(params.get("cursor") or "0").removeprefix("offset:") or 0)
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    cursor = f"offset:{start + limit}" if more else ""
    return {"messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def _json_object(value: object) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = json.loads(value) if value else None
    return value if isinstance(value, dict) else None


def _truthy(value: object) -> bool:
    return value in (True, 1, "1", "true", "True")


def _json_list(value: object) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value) if isinstance(value, list) else []


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _payload_problem(params: dict[str, Any]) -> str | None:
    """Slack's own limits: what it refuses with ``invalid_blocks`` or ``msg_too_long``."""
    text = str(params.get("text") or "")
    blocks = _json_list(params.get("blocks"))
    attachments = _json_list(params.get("attachments"))
    if not (text or blocks or attachments):
        return "no_text"
    if _units(text) > 40_000:
        return "msg_too_long"
    for group in [blocks, *(a.get("blocks") or [] for a in attachments)]:
        if len(group) > 50 or any(_block_problem(b) for b in group):
            return "invalid_blocks"
    return None


def _block_problem(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    if kind == "section":
        return _text_problem(block.get("text"), 3000)
    if kind == "header":
        return _text_problem(block.get("text"), 150)
    if kind == "context":
        elements = block.get("elements") or []
        return not 1 <= len(elements) <= 10 or any(_text_problem(e, 3000) for e in elements)
    if kind == "actions":
        elements = block.get("elements") or []
        return not 1 <= len(elements) <= 25 or any(
            _text_problem(e.get("text"), 75) or len(str(e.get("value", ""))) > 2000
            for e in elements
        )
    return kind not in ("divider", "image", "rich_text")


def _text_problem(obj: object, limit: int) -> bool:
    if not isinstance(obj, dict) or obj.get("type") not in ("mrkdwn", "plain_text"):
        return True
    text = obj.get("text")
    return not isinstance(text, str) or not 1 <= _units(text) <= limit


class ThreadedFakeSlack:
    """The same fake on an event loop of its own thread, for tests that block while a bot
    runs in a subprocess: ``with ThreadedFakeSlack() as slack: ...``."""

    def __init__(self) -> None:
        self.fake = FakeSlack()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.__aenter__(), self._loop).result(10)
        return self.fake

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.__aexit__(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
