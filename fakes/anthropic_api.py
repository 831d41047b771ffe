"""A fake Anthropic API for the probe, on loopback: ``GET /v1/models`` answers what the test
says (401 without a key, like the real API; 500; 529; or no answer at all)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from fakes.loopback import serve


class FakeAnthropic:
    def __init__(self) -> None:
        self.status = 401
        self.hang = False
        self.requests: list[dict[str, str]] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _models(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        if self.hang:
            await asyncio.sleep(30)
        if self.status == 401 and "x-api-key" not in request.headers:
            return web.json_response(
                {
                    "type": "error",
                    "error": {
                        "type": "authentication_error",
                        "message": "x-api-key header is required",
                    },
                },
                status=401,
            )
        if self.status == 529:
            return web.json_response(
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
                status=529,
            )
        if self.status >= 500:
            return web.json_response(
                {
                    "type": "error",
                    "error": {"type": "api_error", "message": "Internal server error"},
                },
                status=self.status,
            )
        return web.json_response({"data": [], "has_more": False}, status=self.status)


@asynccontextmanager
async def fake_anthropic() -> AsyncIterator[FakeAnthropic]:
    fake = FakeAnthropic()
    app = web.Application()
    app.router.add_get("/v1/models", fake._models)
    runner, fake.port = await serve(app)
    try:
        yield fake
    finally:
        await runner.cleanup()
