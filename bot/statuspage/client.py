"""The feed client: reads a Statuspage page's public API v2 over HTTP.

Conditional requests (ETag / Last-Modified) make an unchanged page cost a 304; redirects are
followed (status.anthropic.com now answers with a redirect to status.claude.com); every bad
answer, whatever its cause, becomes one ``FeedError`` with a ``kind`` that says which.

One keep-alive connection serves every poll: httpx keeps an idle connection for 5 s by
default, less than a poll interval, so the client is told how long the gap between polls is,
and a 304's (empty) body is read too, so its connection goes back to the pool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bot import __version__
from bot.statuspage.models import IncidentList, MaintenanceList, Summary

MAX_BODY_BYTES: Final = 8 * 1024 * 1024
KEEPALIVE_MARGIN_SECONDS: Final = 15.0
"""Kept idle beyond the poll interval: a late poll (the machine busy) still finds it open."""
USER_AGENT: Final = (
    f"is-claude-down/{__version__} (+https://github.com/is-claude-down/is-claude-down)"
)

SUMMARY_PATH: Final = "/api/v2/summary.json"
INCIDENTS_PATH: Final = "/api/v2/incidents.json"
MAINTENANCES_PATH: Final = "/api/v2/scheduled-maintenances.json"

DocumentT = TypeVar("DocumentT", bound=BaseModel)


class FeedError(Exception):
    """The feed could not be read. ``kind``: ``timeout``, ``connection``, ``http-status``,
    ``not-json``, ``empty``, ``wrong-shape``, ``too-large``, ``stale``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Fetched(Generic[DocumentT]):
    document: DocumentT
    changed: bool
    """False when the server answered 304 Not Modified (``document`` is the cached one)."""
    nbytes: int


@dataclass
class _Cached:
    etag: str | None
    last_modified: str | None
    document: BaseModel


class FeedClient:
    """One per process. ``close()`` it (or use ``async with``). ``poll_interval`` is the
    usual gap between two reads: the connection is kept open that long, and a little more."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        poll_interval: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(keepalive_expiry=poll_interval + KEEPALIVE_MARGIN_SECONDS),
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            transport=transport,
        )
        self._cache: dict[str, _Cached] = {}

    async def __aenter__(self) -> FeedClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def summary(self) -> Fetched[Summary]:
        return await self._get(SUMMARY_PATH, Summary)

    async def incidents(self) -> Fetched[IncidentList]:
        return await self._get(INCIDENTS_PATH, IncidentList)

    async def maintenances(self) -> Fetched[MaintenanceList]:
        return await self._get(MAINTENANCES_PATH, MaintenanceList)

    async def _get(self, path: str, model: type[DocumentT]) -> Fetched[DocumentT]:
        cached = self._cache.get(path)
        headers = {}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        url = self.base_url + path
        try:
            async with self._http.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and cached is not None:
                    await response.aread()  # empty; read so the connection is reused
                    assert isinstance(cached.document, model)
                    return Fetched(cached.document, changed=False, nbytes=0)
                if response.status_code != 200:
                    raise FeedError("http-status", f"{path} answered HTTP {response.status_code}")
                body = await _read_bounded(response)
        except httpx.TimeoutException:
            raise FeedError("timeout", f"{path} did not answer in time") from None
        except httpx.TooManyRedirects:
            raise FeedError("connection", f"{path}: too many redirects") from None
        except httpx.HTTPError as error:
            raise FeedError("connection", f"{path}: {type(error).__name__}: {error}") from None
        document = _parse(path, body, model)
        self._cache[path] = _Cached(
            response.headers.get("ETag"), response.headers.get("Last-Modified"), document
        )
        return Fetched(document, changed=True, nbytes=len(body))


async def _read_bounded(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FeedError("too-large", f"body over {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(path: str, body: bytes, model: type[DocumentT]) -> DocumentT:
    if not body.strip():
        raise FeedError("empty", f"{path} answered 200 with an empty body")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        start = body.lstrip()[:1]
        what = "an HTML page" if start == b"<" else "text that is not JSON (truncated?)"
        raise FeedError("not-json", f"{path} answered {what}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = sorted(
            {".".join(str(p) for p in e["loc"][:2]) or "(document)" for e in error.errors()}
        )
        raise FeedError(
            "wrong-shape", f"{path} is valid JSON of the wrong shape ({', '.join(fields[:4])})"
        ) from None
