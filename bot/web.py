"""The ``serve`` HTTP server (aiohttp: already under slack-bolt's and discord.py's async code).

Core routes only; adapters add theirs (``/slack/events``) before the app starts.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.ask.advisor import advise
from bot.ask.status import status_answer, status_document
from bot.ask.symptoms import SymptomError, parse_symptom
from bot.clock import Clock
from bot.detect.view import StatusView
from bot.metrics import Metrics
from bot.settings import Settings

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024


def create_app(
    settings: Settings,
    *,
    view: Callable[[], StatusView],
    ready: Callable[[], Awaitable[bool]],
    poll_now: Callable[[], None],
    metrics: Metrics,
    clock: Clock,
) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        if await ready():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready"}, status=503)

    async def metrics_route(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), content_type="text/plain", charset="utf-8")

    async def api_status(request: web.Request) -> web.Response:
        """The ``status --json`` object from the last poll; ``?code=503&since=4`` for advice."""
        symptom = None
        minutes: int | None = None
        try:
            if request.query.get("code"):
                symptom = parse_symptom(request.query["code"])
            if request.query.get("since"):
                minutes = int(request.query["since"])
                if minutes < 0:
                    raise ValueError
        except SymptomError as error:
            return web.json_response({"error": str(error)}, status=400)
        except ValueError:
            return web.json_response(
                {"error": "since must be a whole number of minutes"}, status=400
            )
        current, now = view(), clock()
        answer = status_answer(current, advise(current, symptom, minutes, 0, now), now)
        return web.json_response(status_document(answer, current))

    async def statuspage_webhook(request: web.Request) -> web.Response:
        """A hint to poll now. The payload is never trusted as status: the feed is the truth."""
        expected = settings.statuspage_webhook_token
        given = request.match_info["token"]
        if expected is None or not hmac.compare_digest(given.encode(), expected.reveal().encode()):
            raise web.HTTPNotFound()
        await request.read()  # bounded by client_max_size; content ignored on purpose
        log.info("statuspage webhook received: polling now")
        poll_now()
        return web.json_response({"status": "poll scheduled"}, status=202)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_route)
    app.router.add_get("/api/status", api_status)
    app.router.add_post("/webhooks/statuspage/{token}", statuspage_webhook)
    return app
