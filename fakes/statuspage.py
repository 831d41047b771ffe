"""A fake Atlassian Statuspage page on loopback, serving real-shaped fixture documents.

It runs in a thread of its own (``with FakeStatuspage() as page:``) so synchronous tests,
async tests and subprocesses can all use it. It speaks plain HTTP like the real page:
``/api/v2/*.json`` with ETag and Last-Modified, 304 on a matching conditional request, a
redirect from an old base (``/old``) like status.anthropic.com's, and every fault in the
fixtures' README (``http-503-html``, ``http-500``, ``http-404``, ``timeout``, ``reset``,
``truncated``, ``not-json``, ``empty``, ``wrong-shape``).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import threading
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from aiohttp import web

from fakes.loopback import serve

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "statuspage"
SCENARIOS = FIXTURES / "scenarios"


def load_json(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def scenario_steps(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((SCENARIOS / name).glob("*.json"))
    ]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    status: int
    peer: str = ""
    """The client's address and port: one value per TCP connection."""


class FakeStatuspage:
    def __init__(self, hang_seconds: float = 60.0) -> None:
        self.hang_seconds = hang_seconds
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._documents: dict[str, bytes] = {}
        self._modified: dict[str, str] = {}
        self._fault: str | None = None
        self._raw: dict[str, tuple[int, bytes, str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.set_step({"summary": load_json("summary-operational.json")})

    # --- control ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_step(self, step: dict[str, Any]) -> None:
        """Serve one scenario step: its documents, and its fault if any."""
        summary = step["summary"]
        documents = _derive(summary, step.get("incidents"), step.get("scheduled_maintenances"))
        with self._lock:
            for path, document in documents.items():
                body = json.dumps(document, indent=2).encode()
                if self._documents.get(path) != body:
                    self._documents[path] = body
                    self._modified[path] = formatdate(usegmt=True)
            self._fault = step.get("fault")

    def set_summary(self, relative: str) -> None:
        self.set_step({"summary": load_json(relative)})

    def set_fault(self, fault: str | None) -> None:
        with self._lock:
            self._fault = fault

    def set_raw(
        self, path: str, body: bytes, status: int = 200, content_type: str = "application/json"
    ) -> None:
        """Answer ``path`` with exactly this body (a file from ``bad/``), until cleared."""
        with self._lock:
            self._raw[path] = (status, body, content_type)

    def clear_raw(self) -> None:
        with self._lock:
            self._raw.clear()

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def connections(self) -> int:
        """How many TCP connections the requests so far came on."""
        with self._lock:
            return len({r.peer for r in self.requests})

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- life cycle ---------------------------------------------------------------------

    def __enter__(self) -> FakeStatuspage:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake statuspage did not start")
        return self

    def __exit__(self, *_: object) -> None:
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)

    def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/old/{tail:.*}", self._redirect)
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner, self.port = await serve(app)

    async def _stop(self) -> None:
        if self._runner:
            await self._runner.shutdown()
            await self._runner.cleanup()

    # --- HTTP ---------------------------------------------------------------------------

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.requests.append(Request(request.path, dict(request.headers), 301, _peer(request)))
        raise web.HTTPMovedPermanently(location="/" + request.match_info["tail"])

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            fault = self._fault
            body = self._documents.get(request.path)
            modified = self._modified.get(request.path)
            raw = self._raw.get(request.path)
        if raw is not None:
            status, raw_body, content_type = raw
            response = web.Response(status=status, body=raw_body, content_type=content_type)
        else:
            response = await self._answer(request, fault, body, modified)
        with self._lock:
            self.requests.append(
                Request(request.path, dict(request.headers), response.status, _peer(request))
            )
        return response

    async def _answer(
        self, request: web.Request, fault: str | None, body: bytes | None, modified: str | None
    ) -> web.StreamResponse:
        if fault:
            return await self._fault_answer(request, fault, body)
        if body is None:
            return web.Response(status=404, text="Not found")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=body,
            content_type="application/json",
            headers={"ETag": etag, "Last-Modified": modified or "", "Cache-Control": "max-age=0"},
        )

    async def _fault_answer(
        self, request: web.Request, fault: str, body: bytes | None
    ) -> web.StreamResponse:
        if fault == "http-503-html":
            page = (FIXTURES / "bad" / "http-503-cloudfront.html").read_bytes()
            return web.Response(status=503, body=page, content_type="text/html")
        if fault == "http-500":
            return web.Response(status=500, text="Internal Server Error")
        if fault == "http-404":
            return web.Response(status=404, text="Not Found")
        if fault == "timeout":
            await asyncio.sleep(self.hang_seconds)
            return web.Response(status=504)
        if fault == "reset":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault == "truncated":
            whole = body or b"{}"
            return web.Response(body=whole[: len(whole) * 6 // 10], content_type="application/json")
        if fault == "not-json":
            page = (FIXTURES / "bad" / "not-json-status-page.html").read_bytes()
            return web.Response(body=page, content_type="text/html")
        if fault == "empty":
            return web.Response(body=b"", content_type="application/json")
        if fault == "wrong-shape":
            return web.Response(body=b'{"error": "Not found"}', content_type="application/json")
        raise AssertionError(f"unknown fault {fault!r}")


def _peer(request: web.Request) -> str:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return f"{peer[0]}:{peer[1]}" if peer else ""


def _derive(
    summary: dict[str, Any],
    incidents: dict[str, Any] | None,
    maintenances: dict[str, Any] | None,
) -> dict[str, Any]:
    """Every endpoint, as the fixtures' README says a fake page derives them."""
    page = summary["page"]
    open_incidents = [i for i in summary["incidents"] if i["status"] != "resolved"]
    summary_maintenances = summary.get("scheduled_maintenances", [])
    base = "/api/v2/"
    return {
        base + "summary.json": summary,
        base + "status.json": {"page": page, "status": summary["status"]},
        base + "components.json": {"page": page, "components": summary["components"]},
        base + "incidents.json": copy.deepcopy(incidents)
        or {"page": page, "incidents": summary["incidents"]},
        base + "incidents/unresolved.json": {"page": page, "incidents": open_incidents},
        base + "scheduled-maintenances.json": copy.deepcopy(maintenances)
        or {"page": page, "scheduled_maintenances": summary_maintenances},
        base + "scheduled-maintenances/upcoming.json": {
            "page": page,
            "scheduled_maintenances": [
                m for m in summary_maintenances if m["status"] == "scheduled"
            ],
        },
        base + "scheduled-maintenances/active.json": {
            "page": page,
            "scheduled_maintenances": [
                m for m in summary_maintenances if m["status"] in ("in_progress", "verifying")
            ],
        },
    }
