"""The test fakes, with what a benchmark needs on top and nothing changed underneath.

- ``LimitedSlack``: Slack's rate limits on ``chat.postMessage`` (about one message per second
  per channel, and 50 per second per workspace), answered as Slack does (HTTP 429,
  ``Retry-After`` in whole seconds, ``{"ok": false, "error": "ratelimited"}``), any number of
  workspaces, and the arrival time of every message.
- ``LimitedDiscord``: Discord's global limit of 50 requests per second per bot (429 with
  ``"global": true`` and ``X-RateLimit-Global``) and its per-webhook limit of 5 per 2 s,
  channels in several guilds, and the arrival time of every message.
- ``Steps``: status pages to serve, each incident with ids of its own and a page time that
  always moves forward.
- ``CountingProxy``: a TCP relay that counts the bytes between the bot and the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from fakes.discord_api import APP_ID, VIEW_CHANNEL, FakeDiscord
from fakes.slack_api import FakeSlack
from fakes.statuspage import load_json, scenario_steps


class Window:
    """At most ``limit`` events in any ``per`` seconds (a sliding window)."""

    def __init__(self, limit: int, per: float) -> None:
        self.limit = limit
        self.per = per
        self._times: deque[float] = deque()

    def take(self, now: float) -> float | None:
        """Take one slot at ``now``; None when granted, else the seconds until one frees."""
        while self._times and self._times[0] <= now - self.per:
            self._times.popleft()
        if len(self._times) < self.limit:
            self._times.append(now)
            return None
        return self._times[0] + self.per - now

    @staticmethod
    def least_span(count: int, limit: int, per: float) -> float:
        """The least time from the first to the last of ``count`` events this allows."""
        return 0.0 if count <= 0 else (math.ceil(count / limit) - 1) * per


class LimitedSlack(FakeSlack):
    def __init__(
        self,
        per_channel: tuple[int, float] = (1, 1.0),
        per_workspace: tuple[int, float] = (50, 1.0),
    ) -> None:
        super().__init__()
        self.per_channel = per_channel
        self.per_workspace = per_workspace
        self.limited = 0
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        """channel id -> monotonic arrival time of each message posted there."""
        self._windows: dict[tuple[str, str], Window] = {}

    def add_workspace(self, team_id: str, token: str) -> None:
        self.tokens[token] = team_id

    async def _m_chat_postMessage(self, params: dict[str, Any], token: str | None) -> web.Response:
        now = time.monotonic()
        channel = str(params.get("channel") or "")
        team = self.tokens.get(token or "", "")
        wait = self._window((team, channel), self.per_channel).take(now)
        if wait is None:
            wait = self._window((team, ""), self.per_workspace).take(now)
        if wait is not None:
            self.limited += 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        before = len(self._messages)
        response = await super()._m_chat_postMessage(params, token)
        if len(self._messages) > before:
            self.arrivals[channel].append(now)
        return response

    def _window(self, key: tuple[str, str], limit: tuple[int, float]) -> Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = Window(*limit)
        return window


class LimitedDiscord(FakeDiscord):
    def __init__(
        self, bot_limit: tuple[int, float] = (50, 1.0), webhook_limit: tuple[int, float] = (5, 2.0)
    ) -> None:
        super().__init__()
        self.bot_limit = bot_limit
        self.webhook_limit = webhook_limit
        self.bench_channels: set[str] = set()
        self.limited_bot = 0
        self.limited_webhooks = 0
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        """channel id (bot) or webhook id -> monotonic arrival time of each message."""
        self._bot = Window(*bot_limit)
        self._hooks: dict[str, Window] = {}

    def add_channel(self, channel_id: str) -> None:
        """A text channel the bot may post in, in any guild (kept out of GUILD_CREATE)."""
        self.bench_channels.add(channel_id)

    def add_webhook(self, channel_id: str) -> tuple[str, str]:
        """A webhook (its id and URL) posting into ``channel_id``."""
        url = self.create_webhook(channel_id)
        return url.rsplit("/", 2)[-2], url

    def _check_channel(self, channel: str, user_id: str, needed: int = VIEW_CHANNEL) -> None:
        if channel not in self.bench_channels:
            super()._check_channel(channel, user_id, needed)

    def _fault(self, method: str, path: str) -> web.Response | None:
        scripted = super()._fault(method, path)
        if scripted is not None:
            return scripted
        parts = path.strip("/").split("/")
        now = time.monotonic()
        if parts[0] == "interactions" or (parts[0] == "webhooks" and parts[1:2] == [APP_ID]):
            return None  # interaction answers have no bot rate limit
        if parts[0] == "webhooks" and len(parts) >= 2:
            window = self._hooks.get(parts[1])
            if window is None:
                window = self._hooks[parts[1]] = Window(*self.webhook_limit)
            wait = window.take(now)
            if wait is None:
                return None
            self.limited_webhooks += 1
            return _too_many(wait, is_global=False, limit=self.webhook_limit[0])
        wait = self._bot.take(now)
        if wait is None:
            return None
        self.limited_bot += 1
        return _too_many(wait, is_global=True, limit=self.bot_limit[0])

    def _store(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        stored = super()._store(message, body)
        self.arrivals[str(message.get("webhook_id") or message["channel_id"])].append(
            time.monotonic()
        )
        return stored


def _too_many(wait: float, *, is_global: bool, limit: int) -> web.Response:
    """A 429 as Discord sends it (discord.py reads the body's ``retry_after`` and ``global``,
    and treats a 429 without ``Via`` as a Cloudflare ban)."""
    headers = {
        "Retry-After": str(max(1, math.ceil(wait))),
        "Via": "1.1 google",
        "X-RateLimit-Scope": "global" if is_global else "shared",
        "Content-Type": "application/json",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers |= {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{wait:.3f}",
            "X-RateLimit-Bucket": "webhook-execute",
        }
    body = {"message": "You are being rate limited.", "retry_after": round(wait, 3)}
    body["global"] = is_global
    return web.Response(body=json.dumps(body).encode(), status=429, headers=headers)


# --- status pages ---------------------------------------------------------------------------

SCENARIO = scenario_steps("api-elevated-errors")
TEMPLATE_ID = "6j2silbjfwi0"


class Steps:
    """Pages to serve: quiet, an incident opened, that incident resolved. Each incident gets
    ids of its own (so each is a new start notice), and every page a later ``updated_at``."""

    def __init__(self) -> None:
        self._last = datetime.now(UTC)

    def _stamp(self, document: Any) -> Any:
        now = max(datetime.now(UTC), self._last)
        self._last = now
        stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        for key in ("summary", "incidents"):
            part = document.get(key)
            if isinstance(part, dict) and "page" in part:
                part["page"]["updated_at"] = stamp
        return document

    def quiet(self) -> dict[str, Any]:
        return self._stamp({"summary": load_json("summary-operational.json")})

    def opened(self, number: int) -> dict[str, Any]:
        return self._stamp(self._renamed(SCENARIO[1], number))

    def resolved(self, number: int) -> dict[str, Any]:
        return self._stamp(self._renamed(SCENARIO[5], number))

    @staticmethod
    def _renamed(step: dict[str, Any], number: int) -> dict[str, Any]:
        raw = json.dumps({k: v for k, v in step.items() if k != "note"})
        renamed: dict[str, Any] = json.loads(raw.replace(TEMPLATE_ID, f"bench{number:07d}"))
        return renamed


# --- bytes on the wire ----------------------------------------------------------------------


class CountingProxy:
    """A TCP relay on loopback to ``upstream_port``: counts bytes each way and connections."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.sent = 0  # bot -> page
        self.received = 0  # page -> bot
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> CountingProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        self.sent = self.received = self.connections = 0

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, outbound=True),
                self._pipe(up_reader, writer, outbound=False),
            )
        except asyncio.CancelledError:
            pass  # the relay closing under a kept-alive connection: nothing to report
        finally:
            self._tasks.discard(task)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, outbound: bool
    ) -> None:
        try:
            while chunk := await reader.read(65536):
                if outbound:
                    self.sent += len(chunk)
                else:
                    self.received += len(chunk)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
