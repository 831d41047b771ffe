"""A fake Discord on loopback: the REST API and the gateway, speaking the real wire protocols.

discord.py runs against it unmodified (``DISCORD_API_URL`` points at ``api_url``; the
gateway is what ``GET /gateway/bot`` answers). It holds a small world (one guild with
channels, roles, members and permission overwrites), checks what Discord checks (the bot
token, the bot's permissions in a channel, message and embed limits, replies to deleted
messages, nonces) and records every call. Test hooks inject gateway events (mentions, application
commands, autocomplete), delete messages and channels, forbid channels, answer 429s, and
make calls arrive late.

Nonces, as Discord's Create Message documents them (discord/discord-api-docs,
docs/resources/message.mdx, "Create Message", JSON params ``nonce`` and ``enforce_nonce``):
a ``nonce`` is an integer or a string of up to 25 characters (longer: 400 Invalid Form Body);
with ``enforce_nonce: true`` it "will be checked for uniqueness in the past few minutes. If
another message was created by the same author with the same nonce, that message will be
returned and no new message will be created". A repeat of a nonce whose message has been
deleted since answers 404 Unknown Message (10008): Discord's engineer in the pull request that
documented it (discord-api-docs#6647) calls that intended. "A few minutes" is not given more
precisely; the fake keeps a nonce ``nonce_window`` seconds (120). ``hold`` carries out the
next matching call and keeps its answer back (a bot killed then never learns of the message).

Gateway: HELLO (op 10), IDENTIFY (op 2) → READY and GUILD_CREATE, HEARTBEAT (op 1) → ACK
(op 11), RESUME (op 6) → RESUMED; transport compression ``zlib-stream`` as discord.py asks
for it in the URL query (``zstd-stream`` too where a zstd compressor is importable).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from fakes.loopback import AIOHTTP_SHUTDOWN_SECONDS, serve

TOKEN = "fake-bot-token.not-a-secret"
APP_ID = "1300000000000000001"
BOT_ID = APP_ID
GUILD_ID = "1300000000000000100"
EVERYONE_ROLE = GUILD_ID
MOD_ROLE = "1300000000000000101"
ALERTS = "1300000000000000200"
GENERAL = "1300000000000000201"
READ_ONLY = "1300000000000000202"
OWNER = "1300000000000000300"
MOD = "1300000000000000301"
MEMBER = "1300000000000000302"

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL = (1 << 53) - 1
MEMBER_DEFAULT = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | EMBED_LINKS

EMBED_LIMITS = {
    "title": 256,
    "description": 4096,
    "footer.text": 2048,
    "author.name": 256,
    "field.name": 256,
    "field.value": 1024,
}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: discord.py parses a body only when the Content-Type is
    exactly ``application/json`` (no charset)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


class DiscordError(Exception):
    """An error answer, shaped like Discord's: ``{"message", "code", "errors"?}``."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, status=self.status)


def _form_error(path: str, code: str, message: str) -> DiscordError:
    node: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        node = {part: node}
    return DiscordError(400, 50035, "Invalid Form Body", node)


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorized: bool
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    """When the request arrived (``time.monotonic``)."""


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    times: int
    respond: Callable[[], web.Response]


@dataclass
class Hold:
    """Calls matching ``method`` and ``pattern`` carried out with their answer kept back."""

    method: str
    pattern: re.Pattern[str]
    times: int
    held: list[Call] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Delay:
    """Calls matching ``method`` and ``pattern`` that reach the fake ``seconds`` late."""

    method: str
    pattern: re.Pattern[str]
    times: int
    seconds: float


@dataclass
class Ping:
    """Who a message would notify, as Discord decides from content and allowed_mentions."""

    message_id: str
    kind: str  # everyone, here, user, role, replied_user
    target: str = ""


@dataclass
class Session:
    ws: web.WebSocketResponse
    compress: str | None
    seq: int = 0
    session_id: str = ""
    intents: int | None = None
    heartbeats: int = 0
    resumed: bool = False
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _zlib: Any = None
    _zstd: Any = None

    def __post_init__(self) -> None:
        if self.compress == "zlib-stream":
            self._zlib = zlib.compressobj()
        elif self.compress == "zstd-stream":
            self._zstd = _zstd_compressor()

    async def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        if self._zlib is not None:
            await self.ws.send_bytes(
                self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            )
        elif self._zstd is not None:
            await self.ws.send_bytes(self._zstd(data))
        else:
            await self.ws.send_str(data.decode())

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await self.send({"op": 0, "t": event, "s": self.seq, "d": data})


def _zstd_compressor() -> Callable[[bytes], bytes] | None:
    """One streaming zstd compressor, flushed after each message, like Discord's."""
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:
            return None
        stdlib = zstd.ZstdCompressor()
        return lambda data: bytes(stdlib.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK))
    stream = zstandard.ZstdCompressor().compressobj()
    return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


class FakeDiscord:
    """``async with FakeDiscord() as discord:``; ``api_url`` is the DISCORD_API_URL."""

    def __init__(self, token: str = TOKEN, nonce_window: float = 120.0) -> None:
        self.token = token
        self.nonce_window = nonce_window
        self._nonces: dict[tuple[str, str], tuple[str, float]] = {}
        """(author, nonce) -> (message id, when) of messages created with enforce_nonce."""
        self._holds: list[Hold] = []
        self._delays: list[Delay] = []
        self.calls: list[Call] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.bodies: dict[str, list[dict[str, Any]]] = {}
        """What was sent for each message: the create body, then each edit's."""
        self.deleted: set[str] = set()
        self.commands: list[dict[str, Any]] = []
        self.interactions: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.pings: list[Ping] = []
        self.sessions: list[Session] = []
        self.gone_channels: set[str] = set()
        self.forbidden_channels: set[str] = set()
        self.webhooks: dict[str, dict[str, Any]] = {}
        self._faults: list[Fault] = []
        self._ids = itertools.count(1300000000000100000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.users = {
            BOT_ID: {
                "id": BOT_ID,
                "username": "is-claude-down",
                "discriminator": "0",
                "global_name": None,
                "avatar": None,
                "bot": True,
            },
            OWNER: self._user(OWNER, "olivia"),
            MOD: self._user(MOD, "moe"),
            MEMBER: self._user(MEMBER, "max"),
        }
        self.roles = {
            EVERYONE_ROLE: self._role(EVERYONE_ROLE, "@everyone", MEMBER_DEFAULT, 0),
            MOD_ROLE: self._role(MOD_ROLE, "Mods", MANAGE_CHANNELS, 1),
        }
        self.members: dict[str, list[str]] = {BOT_ID: [], OWNER: [], MOD: [MOD_ROLE], MEMBER: []}
        self.channels = {
            ALERTS: self._channel(ALERTS, "alerts", []),
            GENERAL: self._channel(GENERAL, "general", []),
            READ_ONLY: self._channel(
                READ_ONLY,
                "read-only",
                [{"id": BOT_ID, "type": 1, "allow": "0", "deny": str(SEND_MESSAGES)}],
            ),
        }

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner, self.port = await serve(app, AIOHTTP_SHUTDOWN_SECONDS)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for hold in self._holds:
            hold.release.set()
        for session in self.sessions:
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- the world ------------------------------------------------------------------------

    def _user(self, user_id: str, name: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "username": name,
            "discriminator": "0",
            "global_name": name.title(),
            "avatar": None,
        }

    @staticmethod
    def _role(role_id: str, name: str, permissions: int, position: int) -> dict[str, Any]:
        return {
            "id": role_id,
            "name": name,
            "permissions": str(permissions),
            "position": position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def _channel(
        self, channel_id: str, name: str, overwrites: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": name,
            "position": 0,
            "permission_overwrites": overwrites,
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def _member(self, user_id: str) -> dict[str, Any]:
        return {
            "user": self.users[user_id],
            "roles": self.members[user_id],
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "pending": False,
        }

    def add_member(self, user_id: str, name: str, roles: list[str]) -> None:
        self.users[user_id] = self._user(user_id, name)
        self.members[user_id] = roles

    def permissions(self, user_id: str, channel_id: str) -> int:
        """Discord's algorithm: base from roles (owner and administrator: all), then the
        channel's overwrites for @everyone, the member's roles, and the member."""
        if user_id == OWNER:
            return ALL
        roles = self.members[user_id]
        perms = int(self.roles[EVERYONE_ROLE]["permissions"])
        for role in roles:
            perms |= int(self.roles[role]["permissions"])
        if perms & ADMINISTRATOR:
            return ALL
        overwrites = {o["id"]: o for o in self.channels[channel_id]["permission_overwrites"]}

        def apply(perms: int, allow: int, deny: int) -> int:
            return (perms & ~deny) | allow

        if EVERYONE_ROLE in overwrites:
            o = overwrites[EVERYONE_ROLE]
            perms = apply(perms, int(o["allow"]), int(o["deny"]))
        allow = deny = 0
        for role in roles:
            if role in overwrites:
                allow |= int(overwrites[role]["allow"])
                deny |= int(overwrites[role]["deny"])
        perms = apply(perms, allow, deny)
        if user_id in overwrites:
            o = overwrites[user_id]
            perms = apply(perms, int(o["allow"]), int(o["deny"]))
        return perms if perms & VIEW_CHANNEL else 0

    def guild_payload(self) -> dict[str, Any]:
        return {
            "id": GUILD_ID,
            "name": "Test server",
            "icon": None,
            "owner_id": OWNER,
            "roles": list(self.roles.values()),
            "channels": list(self.channels.values()),
            "members": [self._member(u) for u in self.members],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": _now(),
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "system_channel_id": None,
            "preferred_locale": "en-US",
            "afk_timeout": 300,
        }

    def add_channel(self, channel_id: str, name: str) -> None:
        """Another text channel in the guild, where the bot may post (not sent to a gateway
        session already connected)."""
        self.channels[channel_id] = self._channel(channel_id, name, [])

    def create_webhook(self, channel_id: str = ALERTS) -> str:
        """A channel webhook; returns its URL (what ``discord-webhook:`` takes)."""
        webhook_id = self._next_id()
        token = f"hook-token-{webhook_id}"
        self.webhooks[webhook_id] = {"id": webhook_id, "token": token, "channel_id": channel_id}
        return f"{self.api_url}/webhooks/{webhook_id}/{token}"

    # --- test hooks -----------------------------------------------------------------------

    async def set_overwrites(self, channel_id: str, overwrites: list[dict[str, Any]]) -> None:
        """Change a channel's permission overwrites, and tell the bot (CHANNEL_UPDATE)."""
        self.channels[channel_id]["permission_overwrites"] = overwrites
        await self._session().dispatch("CHANNEL_UPDATE", self.channels[channel_id])

    def delete_message(self, message_id: str) -> None:
        self.deleted.add(message_id)

    def delete_channel(self, channel_id: str) -> None:
        self.gone_channels.add(channel_id)

    def forbid_channel(self, channel_id: str) -> None:
        self.forbidden_channels.add(channel_id)

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        retry_after: float = 0.2,
        is_global: bool = False,
        times: int = 1,
        proxy: bool = False,
    ) -> None:
        """Answer the next ``times`` calls matching ``method`` and the ``path`` regex (after
        ``/api/v10``) with 429, as Discord does (body ``retry_after``, headers, ``Via``).
        ``proxy``: a bare 429 with only ``Retry-After``, as a proxy or CDN in front answers."""

        def respond() -> web.Response:
            if proxy:
                return web.Response(
                    status=429, text="Too Many Requests", headers={"Retry-After": str(retry_after)}
                )
            headers = {
                "Retry-After": str(max(1, round(retry_after))),
                "Via": "1.1 google",
                "X-RateLimit-Scope": "global" if is_global else "user",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers |= {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(retry_after),
                    "X-RateLimit-Bucket": "fake-bucket",
                }
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            }
            return _json(body, status=429, headers=headers)

        self._faults.append(Fault(method, re.compile(path), times, respond))

    def hold(self, method: str, path: str, *, times: int = 1) -> Hold:
        """The next ``times`` calls matching ``method`` and the ``path`` regex are carried out
        (a message is created) and their answers kept back until ``Hold.release`` is set (or
        the fake stops). ``Hold.held`` lists them as they come."""
        hold = Hold(method, re.compile(path), times)
        self._holds.append(hold)
        return hold

    def delay(self, method: str, path: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls matching ``method`` and the ``path`` regex reach the fake
        ``seconds`` late, as over a slow network on the way in: they arrive (``Call.at``) and
        are carried out then, and answered at once."""
        self._delays.append(Delay(method, re.compile(path), times, seconds))

    def fail(self, method: str, path: str, status: int, *, code: int = 0, times: int = 1) -> None:
        """Answer the next ``times`` matching calls with ``status`` (a 5xx, say)."""
        error = DiscordError(status, code, f"{status}: fake failure")
        self._faults.append(Fault(method, re.compile(path), times, error.response))

    async def wait_connected(self, count: int = 1, timeout: float = 10.0) -> Session:
        """The ``count``-th gateway session once it is ready (READY and GUILD_CREATE sent, or
        RESUMED): events injected from now on reach a client that knows the guild."""

        def ready() -> bool:
            return len(self.sessions) >= count and self.sessions[count - 1].ready.is_set()

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        return self.sessions[count - 1]

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway connection as Discord does when it restarts a node (4000 is
        resumable: the client reconnects and sends RESUME)."""
        session = self._session()
        session.ready.clear()
        await session.ws.close(code=code, message=b"fake: dropped")

    async def mention(self, user_id: str, text: str, channel_id: str = GENERAL) -> dict[str, Any]:
        """A member's message that mentions the bot (``<@bot> text``), as MESSAGE_CREATE.
        Its content is delivered, as Discord does for mentions without message_content."""
        content = f"<@{BOT_ID}> {text}"
        message = self._message(channel_id, self.users[user_id], content)
        message["mentions"] = [self.users[BOT_ID]]
        message["member"] = {k: v for k, v in self._member(user_id).items() if k != "user"}
        self.messages[message["id"]] = message
        await self._session().dispatch("MESSAGE_CREATE", message)
        return message

    async def slash(
        self, user_id: str, subcommand: str, channel_id: str = GENERAL, **options: str | int
    ) -> str:
        """The member runs ``/is-claude-down SUBCOMMAND option:value …``; returns the
        interaction id. The options must exist in the synced command."""
        data = self._command_data(subcommand, options, focused=None)
        return await self._interaction(2, user_id, channel_id, data)

    async def autocomplete(
        self, user_id: str, subcommand: str, option: str, value: str, channel_id: str = GENERAL
    ) -> list[dict[str, Any]]:
        """The member types ``value`` into ``option``: the choices the bot offers."""
        data = self._command_data(subcommand, {option: value}, focused=option)
        interaction = await self._interaction(4, user_id, channel_id, data)
        response = await self.wait_response(interaction)
        assert response["type"] == 8, response
        return list(response["data"]["choices"])

    async def wait_response(
        self, interaction_id: str, count: int = 1, timeout: float = 10.0
    ) -> dict[str, Any]:
        """The ``count``-th answer to an interaction (callback or follow-up)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(
                    lambda: len(self.responses.get(interaction_id, [])) >= count
                ),
                timeout,
            )
        return self.responses[interaction_id][count - 1]

    async def wait_messages(
        self, channel_id: str, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The channel's messages once there are at least ``count``."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.channel_messages(channel_id)) >= count),
                timeout,
            )
        return self.channel_messages(channel_id)

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def calls_to(self, method: str, path: str) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)]

    # --- gateway --------------------------------------------------------------------------

    def _session(self) -> Session:
        assert self.sessions, "no gateway session"
        assert self.sessions[-1].ready.is_set(), "the gateway session is not ready"
        return self.sessions[-1]

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        compress = request.query.get("compress")
        session = Session(ws, compress)
        if compress == "zstd-stream" and session._zstd is None:
            await ws.close(code=4000, message=b"fake: no zstd compressor to answer zstd-stream")
            return ws
        self.sessions.append(session)
        await session.send({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                session.heartbeats += 1
                await session.send({"op": 11})
            elif op == 2:
                await self._identify(session, data)
            elif op == 6:
                if data.get("token") != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                session.session_id = data["session_id"]
                session.seq = int(data.get("seq") or 0)
                session.resumed = True
                await session.dispatch("RESUMED", {})
                await self._mark_ready(session)
        return ws

    async def _identify(self, session: Session, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.intents = data.get("intents")
        session.session_id = f"session-{len(self.sessions)}"
        await session.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.users[BOT_ID],
                "guilds": [{"id": GUILD_ID, "unavailable": True}],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": APP_ID, "flags": 0},
                "shard": [0, 1],
            },
        )
        await session.dispatch("GUILD_CREATE", self.guild_payload())
        await self._mark_ready(session)

    async def _mark_ready(self, session: Session) -> None:
        session.ready.set()
        async with self._changed:
            self._changed.notify_all()

    def _command_data(
        self, subcommand: str, options: dict[str, str | int], focused: str | None
    ) -> dict[str, Any]:
        synced = next((c for c in self.commands if c["name"] == "is-claude-down"), None)
        assert synced is not None, "the bot has not synced /is-claude-down"
        sub = next((o for o in synced.get("options", []) if o["name"] == subcommand), None)
        assert sub is not None, f"no subcommand {subcommand!r}"
        assert sub["type"] == 1, f"{subcommand!r} is not a subcommand"
        known = {o["name"]: o for o in sub.get("options", [])}
        given = []
        for name, value in options.items():
            assert name in known, f"/is-claude-down {subcommand} has no option {name!r}"
            choices = [c["value"] for c in known[name].get("choices", [])]
            assert not choices or value in choices, f"{value!r} is not a choice of {name!r}"
            option = {"name": name, "type": known[name]["type"], "value": value}
            if name == focused:
                assert known[name].get("autocomplete"), f"{name!r} does not autocomplete"
                option["focused"] = True
            given.append(option)
        return {
            "id": synced["id"],
            "name": synced["name"],
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": given}],
        }

    async def _interaction(
        self, kind: int, user_id: str, channel_id: str, data: dict[str, Any]
    ) -> str:
        interaction_id = self._next_id()
        token = f"interaction-token-{interaction_id}"
        member = self._member(user_id) | {"permissions": str(self.permissions(user_id, channel_id))}
        payload = {
            "id": interaction_id,
            "application_id": APP_ID,
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": GUILD_ID,
            "channel_id": channel_id,
            "channel": self.channels[channel_id],
            "member": member,
            "data": data,
            "app_permissions": str(self.permissions(BOT_ID, channel_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "context": 0,
            "authorizing_integration_owners": {"0": GUILD_ID},
            "attachment_size_limit": 10485760,
        }
        self.interactions[interaction_id] = payload | {"channel_id": channel_id}
        self.interactions[token] = self.interactions[interaction_id]
        await self._session().dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    # --- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        late = next(
            (
                d
                for d in self._delays
                if d.times > 0 and d.method == request.method and d.pattern.fullmatch(path)
            ),
            None,
        )
        if late is not None:
            late.times -= 1
            await asyncio.sleep(late.seconds)
        call = Call(
            request.method,
            path,
            dict(request.query),
            body,
            request.headers.get("Authorization") == f"Bot {self.token}",
        )
        self.calls.append(call)
        response = self._fault(request.method, path)
        if response is None:
            try:
                response = await self._route(request.method, path, call)
            except DiscordError as error:
                response = error.response()
        call.status = response.status
        async with self._changed:
            self._changed.notify_all()
        hold = next(
            (
                h
                for h in self._holds
                if h.times > 0 and h.method == request.method and h.pattern.fullmatch(path)
            ),
            None,
        )
        if hold is not None and response.status < 300:
            hold.times -= 1
            hold.held.append(call)
            await hold.release.wait()
        return response

    def _fault(self, method: str, path: str) -> web.Response | None:
        for fault in self._faults:
            if fault.times > 0 and fault.method == method and fault.pattern.fullmatch(path):
                fault.times -= 1
                return fault.respond()
        return None

    async def _route(self, method: str, path: str, call: Call) -> web.Response:
        parts = path.strip("/").split("/")
        if parts[0] == "webhooks":
            return self._webhook(method, parts[1:], call)
        if parts[0] == "interactions" and method == "POST" and len(parts) == 4:
            return self._callback(parts[1], parts[2], call)
        if not call.authorized:
            raise DiscordError(401, 0, "401: Unauthorized")
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(self.users[BOT_ID])
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(self._application())
            case "GET", ["gateway", "bot"]:
                return _json(
                    {
                        "url": self.gateway_url,
                        "shards": 1,
                        "session_start_limit": {
                            "total": 1000,
                            "remaining": 999,
                            "reset_after": 0,
                            "max_concurrency": 1,
                        },
                    }
                )
            case "PUT", ["applications", app, "commands"] if app == APP_ID:
                self.commands = [self._command(c) for c in call.body]
                return _json(self.commands)
            case "POST", ["channels", channel, "messages"]:
                return _json(self._create(channel, call.body))
            case "PATCH", ["channels", channel, "messages", message]:
                self._check_channel(channel, BOT_ID)
                return _json(self._edit(channel, message, call.body))
            case "GET", ["channels", channel]:
                self._check_channel(channel, BOT_ID)
                return _json(self.channels[channel])
            case "GET", ["channels", channel, "messages", message]:
                self._check_channel(channel, BOT_ID)
                return _json(self._existing(channel, message))
        raise DiscordError(404, 0, "404: Not Found")

    def _application(self) -> dict[str, Any]:
        return {
            "id": APP_ID,
            "name": "is-claude-down",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.users[OWNER],
            "verify_key": "0" * 64,
            "flags": 0,
            "interactions_endpoint_url": None,
            "summary": "",
            "team": None,
            "rpc_origins": [],
        }

    def _command(self, command: dict[str, Any]) -> dict[str, Any]:
        return command | {"id": self._next_id(), "application_id": APP_ID, "version": "1"}

    def _check_channel(self, channel: str, user_id: str, needed: int = VIEW_CHANNEL) -> None:
        if channel in self.gone_channels or channel not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        if (
            channel in self.forbidden_channels
            or not self.permissions(user_id, channel) & VIEW_CHANNEL
        ):
            raise DiscordError(403, 50001, "Missing Access")
        if self.permissions(user_id, channel) & needed != needed:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _existing(self, channel: str, message_id: str) -> dict[str, Any]:
        message = self.messages.get(message_id)
        if message is None or message_id in self.deleted or message["channel_id"] != channel:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def _create(self, channel: str, body: dict[str, Any]) -> dict[str, Any]:
        reference = body.get("message_reference")
        needed = VIEW_CHANNEL | SEND_MESSAGES | (READ_MESSAGE_HISTORY if reference else 0)
        self._check_channel(channel, BOT_ID, needed)
        validate_message(body)
        repeated = self._repeated_nonce(BOT_ID, body)
        if repeated is not None:
            return repeated
        message = self._message(channel, self.users[BOT_ID], body.get("content") or "", body)
        if reference:
            target = self.messages.get(str(reference.get("message_id")))
            if target is None or target["id"] in self.deleted:
                if reference.get("fail_if_not_exists", True):
                    raise _form_error(
                        "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                    )
            else:
                message["type"] = 19
                message["message_reference"] = {
                    "message_id": target["id"],
                    "channel_id": target["channel_id"],
                    "guild_id": GUILD_ID,
                    "type": 0,
                }
                message["referenced_message"] = target
        return self._store(message, body)

    def _repeated_nonce(self, author: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The message an earlier create with this ``nonce`` made, when ``enforce_nonce`` asks
        and it is recent; 404 Unknown Message when that message was deleted since."""
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            return None
        earlier = self._nonces.get((author, str(nonce)))
        if earlier is None or time.monotonic() - earlier[1] > self.nonce_window:
            return None
        if earlier[0] in self.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return self.messages[earlier[0]]

    def _edit(self, channel: str, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(channel, message_id)
        validate_message(body, edit=True)
        for key in ("content", "embeds"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key == "embeds" else "")
                )
        message["edited_timestamp"] = _now()
        self.bodies[message_id].append(body)
        self._record_pings(message, body)
        return message

    def _message(
        self, channel: str, author: dict[str, Any], content: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body = body or {}
        return {
            "id": self._next_id(),
            "channel_id": channel,
            "guild_id": GUILD_ID,
            "author": author,
            "content": content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
            "components": [],
        }

    def _store(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        nonce = body.get("nonce")
        if nonce is not None:
            message["nonce"] = nonce
            if body.get("enforce_nonce"):
                author = message["author"]["id"]
                self._nonces[(author, str(nonce))] = (message["id"], time.monotonic())
        self.messages[message["id"]] = message
        self.bodies[message["id"]] = [body]
        self._record_pings(message, body)
        return message

    def _record_pings(self, message: dict[str, Any], body: dict[str, Any]) -> None:
        """What Discord would notify: mentions in ``content`` (never in embeds) that
        ``allowed_mentions`` lets through; with no ``allowed_mentions``, all of them."""
        allowed = body.get("allowed_mentions")
        parse = (
            set(allowed.get("parse", [])) if allowed is not None else {"everyone", "users", "roles"}
        )
        users = set(allowed.get("users", [])) if allowed is not None else set()
        roles = set(allowed.get("roles", [])) if allowed is not None else set()
        content = body.get("content") or ""
        found: list[tuple[str, str]] = []
        if "everyone" in parse:
            found += [(k, "") for k in re.findall(r"@(everyone|here)\b", content)]
        for user in re.findall(r"<@!?(\d{17,20})>", content):
            if "users" in parse or user in users:
                found.append(("user", user))
        for role in re.findall(r"<@&(\d{17,20})>", content):
            if "roles" in parse or role in roles:
                found.append(("role", role))
        if message.get("type") == 19 and (allowed is None or allowed.get("replied_user", True)):
            found.append(("replied_user", message["referenced_message"]["author"]["id"]))
        self.pings += [Ping(message["id"], kind, target) for kind, target in found]

    def _callback(self, interaction_id: str, token: str, call: Call) -> web.Response:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction["token"] != token:
            raise DiscordError(404, 10062, "Unknown interaction")
        answers = self.responses.setdefault(interaction_id, [])
        if answers:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        body = call.body
        kind = body["type"]
        data = body.get("data") or {}
        resource: dict[str, Any] | None = None
        if kind == 4:
            validate_message(data)
            message = self._message(
                interaction["channel_id"], self.users[BOT_ID], data.get("content") or "", data
            )
            resource = {"type": 4, "message": self._store(message, data)}
        elif kind == 8:
            choices = data.get("choices", [])
            if len(choices) > 25 or any(len(c["name"]) > 100 for c in choices):
                raise _form_error("data.choices", "BASE_TYPE_MAX_LENGTH", "Too many or too long.")
        answers.append(body)
        callback: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": interaction["type"],
                "response_message_id": resource["message"]["id"] if resource else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            }
        }
        if resource is not None:
            callback["resource"] = resource
        return _json(callback)

    def _webhook(self, method: str, parts: list[str], call: Call) -> web.Response:
        if len(parts) < 2:
            raise DiscordError(404, 0, "404: Not Found")
        hook_id, token, rest = parts[0], parts[1], parts[2:]
        if hook_id == APP_ID:  # an interaction's follow-ups
            return self._followup(method, token, rest, call)
        hook = self.webhooks.get(hook_id)
        if hook is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if hook["token"] != token:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        channel = hook["channel_id"]
        if channel in self.gone_channels:
            raise DiscordError(404, 10015, "Unknown Webhook")
        author = {
            "id": hook_id,
            "username": "Claude status",
            "discriminator": "0000",
            "avatar": None,
            "bot": True,
        }
        match method, rest:
            case "POST", []:
                validate_message(call.body)
                message = self._message(channel, author, call.body.get("content") or "", call.body)
                message["webhook_id"] = hook_id
                self._store(message, call.body)
                if call.query.get("wait") == "true":
                    return _json(message)
                return web.Response(status=204)
            case "GET", ["messages", message_id]:
                return _json(self._webhook_message(hook_id, channel, message_id))
            case "PATCH", ["messages", message_id]:
                self._webhook_message(hook_id, channel, message_id)
                return _json(self._edit(channel, message_id, call.body))
        raise DiscordError(404, 0, "404: Not Found")

    def _webhook_message(self, hook_id: str, channel: str, message_id: str) -> dict[str, Any]:
        message = self._existing(channel, message_id)
        if message.get("webhook_id") != hook_id:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def _followup(self, method: str, token: str, rest: list[str], call: Call) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        interaction_id = interaction["id"]
        match method, rest:
            case "POST", []:
                validate_message(call.body)
                message = self._message(
                    interaction["channel_id"],
                    self.users[BOT_ID],
                    call.body.get("content") or "",
                    call.body,
                )
                self._store(message, call.body)
                self.responses.setdefault(interaction_id, []).append(
                    {"type": "followup", "data": call.body}
                )
                return _json(message)
        raise DiscordError(404, 0, "404: Not Found")

    def _next_id(self) -> str:
        return str(next(self._ids))


def validate_message(body: dict[str, Any], *, edit: bool = False) -> None:
    """Discord's checks on a message body: 2,000 characters of content, 10 embeds, each
    embed's parts within their limits and 6,000 characters in all, http(s) links only."""
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    nonce = body.get("nonce")
    if nonce is not None and not isinstance(nonce, int) and len(str(nonce)) > 25:
        raise _form_error("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    if len(content) > 2000:
        raise _form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    if not edit and not content and not embeds:
        raise DiscordError(400, 50006, "Cannot send an empty message")
    if len(embeds) > 10:
        raise _form_error("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        parts = {
            "title": embed.get("title"),
            "description": embed.get("description"),
            "footer.text": (embed.get("footer") or {}).get("text"),
            "author.name": (embed.get("author") or {}).get("name"),
        }
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise _form_error(
                f"embeds.{index}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer."
            )
        for number, f in enumerate(fields):
            for key in ("name", "value"):
                text = f.get(key)
                if not isinstance(text, str) or not text.strip():
                    raise _form_error(
                        f"embeds.{index}.fields.{number}.{key}",
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    )
                parts[f"field.{key}#{number}"] = text
        for name, text in parts.items():
            if text is None:
                continue
            limit = EMBED_LIMITS[name.split("#")[0]]
            if len(text) > limit:
                raise _form_error(
                    f"embeds.{index}.{name}",
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {limit} or fewer in length.",
                )
            total += len(text)
        url = embed.get("url")
        if url is not None and not re.fullmatch(r"https?://\S+", url):
            raise _form_error(
                f"embeds.{index}.url", "URL_TYPE_INVALID_URL", "Not a well formed URL."
            )
    if total > 6000:
        raise _form_error(
            "embeds", "BASE_TYPE_MAX_LENGTH", "Embed size exceeds maximum size of 6000"
        )
