"""Start a fake platform's aiohttp app on a free port of 127.0.0.1 (tests reach only loopback)."""

from __future__ import annotations

from aiohttp import web

AIOHTTP_SHUTDOWN_SECONDS = 60.0
"""aiohttp's own wait for handlers still running at cleanup: for fakes that close their
websockets themselves first and must not cut a request short."""


async def serve(app: web.Application, shutdown_timeout: float = 0.2) -> tuple[web.AppRunner, int]:
    """``app`` listening: its runner (``await runner.cleanup()`` stops it) and its port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port: int = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port
