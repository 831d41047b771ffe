"""``POST /api/reports``: developers' clients (Claude Code's hook, ``report``) say they see a
server-side failure.

Enabled by ``REPORT_TOKEN`` (without it: 404). The bearer token is compared in constant time
(wrong or missing: 401); the body is read up to 4 KiB (more: 413) and must be a JSON object
``{"reporter": "...", "code": "529", "source": "claude-code"}`` whose code is a server-side
error or absent (else 400). Nothing of a refused request is stored, and every refusal is
counted by reason. A reporter counts once per 10 minutes, for every channel of the bot.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final, Protocol

from aiohttp import web

from bot.ask.symptoms import SymptomClass, SymptomError, parse_symptom
from bot.clock import Clock
from bot.detect.client_reports import WINDOW, ClientReport, ClientReports, summarize
from bot.metrics import Metrics
from bot.settings import Secret

log = logging.getLogger(__name__)

PATH: Final = "/api/reports"
MAX_BODY_BYTES: Final = 4096
MAX_REPORTER: Final = 128
DEFAULT_SOURCE: Final = "api"
_SOURCE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


class ReportStore(Protocol):
    async def add_client_report(self, report: ClientReport, window: timedelta) -> bool:
        """Store it unless this reporter has one within ``window``; True when stored."""
        ...

    async def client_reports(self, since: datetime) -> list[ClientReport]: ...


class Refused(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def add_route(
    app: web.Application,
    *,
    token: Secret | None,
    store: ReportStore,
    clock: Clock,
    metrics: Metrics,
    verdict: Callable[[], str],
    on_reports: Callable[[ClientReports, bool], None],
) -> None:
    """``on_reports(reports, counted)`` hears the new count after every accepted report (the
    poller shows it in answers, and looks at the early warning when one was counted)."""

    async def post_report(request: web.Request) -> web.Response:
        metrics.client_reports_received.inc()
        try:
            report = await _read(request, token, clock())
        except Refused as refusal:
            metrics.client_reports_refused.labels(refusal.reason).inc()
            return web.json_response({"error": str(refusal)}, status=refusal.status)
        counted = await store.add_client_report(report, WINDOW)
        reports = summarize(await store.client_reports(report.at - WINDOW), report.at - WINDOW)
        if counted:
            metrics.client_reports_counted.inc()
            log.info("client report counted (%s, %s)", report.source, report.code or "no code")
        on_reports(reports, counted)
        return web.json_response(
            {"counted": counted, "reports_10m": reports.people, "verdict": verdict()}
        )

    app.router.add_post(PATH, post_report)


async def _read(request: web.Request, token: Secret | None, now: datetime) -> ClientReport:
    if token is None:
        raise Refused(404, "disabled", "reports are not enabled on this bot (REPORT_TOKEN)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    expected = token.reveal().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Refused(401, "unauthorized", "a valid Authorization: Bearer token is needed")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise Refused(413, "too_large", f"the body may have at most {MAX_BODY_BYTES} bytes")
    raw = bytearray()  # read to the end or just past the limit, whatever Content-Length said
    while len(raw) <= MAX_BODY_BYTES:
        chunk = await request.content.read(MAX_BODY_BYTES + 1 - len(raw))
        if not chunk:
            break
        raw += chunk
    if len(raw) > MAX_BODY_BYTES:
        raise Refused(413, "too_large", f"the body may have at most {MAX_BODY_BYTES} bytes")
    try:
        reporter, code, source = parse_body(bytes(raw))
    except ValueError as error:
        raise Refused(400, "malformed", str(error)) from None
    return ClientReport(reporter, code, source, now)


def parse_body(raw: bytes) -> tuple[str, str | None, str]:
    """``(reporter, code label, source)`` from the body; ValueError says what is wrong."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError('the body must be a JSON object {"reporter": ..., "code": ...}')
    reporter = data.get("reporter")
    if not isinstance(reporter, str) or not reporter.strip() or not reporter.isprintable():
        raise ValueError("reporter must be a non-empty string of printable characters")
    if len(reporter) > MAX_REPORTER:
        raise ValueError(f"reporter may have at most {MAX_REPORTER} characters")
    source = data.get("source", DEFAULT_SOURCE)
    if not isinstance(source, str) or not _SOURCE.fullmatch(source) or source == "chat":
        raise ValueError("source must be a short lower-case name such as claude-code or cli")
    return reporter.strip(), _code(data.get("code")), source


def _code(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("code must be a string such as 529, or null")
    try:
        symptom = parse_symptom(value)
    except SymptomError as error:
        raise ValueError(f"code: {error}") from None
    if symptom.kind is not SymptomClass.SERVER:
        raise ValueError(f"code: {symptom.label} is an error on the client's side, not reported")
    return symptom.label
