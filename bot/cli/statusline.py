"""``is-claude-down statusline``: one short line for Claude Code's status line.

Claude Code runs the command on every refresh of its status line, so the line comes from a cache
file (``statusline.json`` in the user's cache directory) and the network is used only when the
cache is older than ``STATUSLINE_CACHE_SECONDS``: the team's bot (``/api/status``, which also
counts the reports) or else the status page itself. A refresh gets ``REFRESH_BUDGET_SECONDS``;
when it fails, the last known line is printed marked stale (or "status unknown"), and the next
try waits another ``STATUSLINE_CACHE_SECONDS``, so an offline laptop is not slowed down at
every refresh. Always exits 0: a status line has no one to report an error to.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.cli.client import STATUS_PATH, ClientConfig, Unreachable, finish, load_client_config
from bot.cli.plain_text import one_line
from bot.wording.durations import duration_text

CACHE_FILE = "statusline.json"
REFRESH_BUDGET_SECONDS = 0.5
"""Python's start plus this stays under the contract's 1 s, also with the network gone."""
NAME_LIMIT = 60
PAGE_VERDICTS = {
    "none": "operational",
    "minor": "degraded",
    "maintenance": "degraded",
    "major": "outage",
    "critical": "outage",
}
VERDICT_ORDER = ("operational", "degraded", "outage")
OPEN_INCIDENT_STATUSES = frozenset({"investigating", "identified", "monitoring"})
COLOURS = {"operational": "32", "degraded": "33", "outage": "31", "unknown": "90"}

Entry = dict[str, Any]
"""What the cache holds: ``source``, ``fetched_at``, ``tried_at`` (epoch seconds),
``verdict``, ``incident`` (``name``, ``started_at``), ``more_incidents``, ``reports``,
``codes``."""


def run_statusline() -> int:
    colour = not os.environ.get("NO_COLOR")
    try:
        text = current_line(load_client_config(), cache_path(), time.time(), colour=colour)
    except Exception as error:  # a broken cache or home directory: still a line, never a trace
        print(f"is-claude-down statusline: {type(error).__name__}: {error}", file=sys.stderr)
        text = line(None, 0, colour=colour)
    print(text)
    return finish(0)


def current_line(config: ClientConfig, path: Path, now: float, *, colour: bool = False) -> str:
    source = config.bot_url or config.status_page_url
    entry = read_cache(path, source)
    if entry is not None:
        fetched, tried = entry.get("fetched_at"), entry.get("tried_at") or 0
        if fetched is not None and now - fetched < config.cache_seconds:
            return line(entry, now, colour=colour)
        if now - tried < config.cache_seconds:  # the last try failed: don't wait on it again
            return line(entry, now, stale=True, colour=colour)
    from bot.cli.http_json import within  # a request is coming: only now the HTTP machinery

    try:
        fresh = within(REFRESH_BUDGET_SECONDS, lambda: fetch(config, now))
    except Exception as error:
        print(f"is-claude-down statusline: cannot refresh: {error}", file=sys.stderr)
        write_cache(path, {**(entry or {"source": source, "fetched_at": None}), "tried_at": now})
        return line(entry, now, stale=True, colour=colour)
    write_cache(path, fresh)
    return line(fresh, now, colour=colour)


def line(entry: Entry | None, now: float, *, stale: bool = False, colour: bool = False) -> str:
    """``Claude: outage · Elevated errors on Claude Opus (23 min) · 3 people hit 529 in 10 min``;
    ``Claude: status unknown`` when nothing was ever read."""
    if entry is None or entry.get("fetched_at") is None:
        return _head("status unknown", "unknown", colour)
    verdict = one_line(str(entry.get("verdict", "unknown")), 20)
    parts = [_head(verdict, verdict, colour)]
    incident = entry.get("incident")
    if incident:
        name = one_line(str(incident.get("name", "")), NAME_LIMIT)
        began = incident.get("started_at")
        age = f" ({duration_text(_minutes(now - began))})" if began is not None else ""
        more = entry.get("more_incidents", 0)
        parts.append(f"{name}{age}" + (f" +{more} more" if more else ""))
    reports = entry.get("reports") or 0
    if reports:
        codes = " or ".join(one_line(str(c), 12) for c in entry.get("codes", ())) or "errors"
        who = "1 person" if reports == 1 else f"{reports} people"
        parts.append(f"{who} hit {codes} in 10 min")
    if stale:
        parts.append(f"stale {duration_text(_minutes(now - entry['fetched_at']))}")
    return " · ".join(parts)


def _head(text: str, verdict: str, colour: bool) -> str:
    head = f"Claude: {text}"
    return f"\x1b[{COLOURS.get(verdict, '90')}m{head}\x1b[0m" if colour else head


def fetch(config: ClientConfig, now: float) -> Entry:
    """A fresh entry from the team's bot, or from the status page when there is no bot or it
    does not answer."""
    if config.bot_url is None:
        return from_page(config.status_page_url, now)
    try:
        return from_bot(config.bot_url, now)
    except Exception as bot_error:  # said by the caller, from the main thread, if all fails
        try:
            return {**from_page(config.status_page_url, now), "source": config.bot_url}
        except Exception as page_error:
            raise Unreachable(f"the bot: {bot_error}; the status page: {page_error}") from None


def from_bot(bot_url: str, now: float) -> Entry:
    from bot.cli.http_json import request

    status, document = request("GET", bot_url + STATUS_PATH, timeout=REFRESH_BUDGET_SECONDS)
    if status != 200 or not isinstance(document, dict) or "verdict" not in document:
        raise Unreachable(f"{bot_url}{STATUS_PATH} answered HTTP {status} without a status")
    incidents = [i for i in document.get("incidents") or () if isinstance(i, dict)]
    reports = document.get("reports") or {}
    return _entry(
        bot_url,
        now,
        str(document["verdict"]),
        [(str(i.get("name", "")), _epoch(i.get("started_at"))) for i in incidents],
        int(reports.get("last_10_minutes", 0)),
        [str(c) for c in reports.get("codes", ())],
    )


def from_page(page_url: str, now: float) -> Entry:
    """The page's own verdict (its ``status.indicator``, raised by an open incident's impact)
    and its open incidents, read from the summary as plain JSON: the bot's models would cost
    this command more start-up time than its whole budget."""
    from bot.cli.http_json import request

    status, document = request(
        "GET", page_url + "/api/v2/summary.json", timeout=REFRESH_BUDGET_SECONDS
    )
    if status != 200 or not isinstance(document, dict):
        raise Unreachable(f"the status page answered HTTP {status} without a summary")
    indicator = (document.get("status") or {}).get("indicator")
    if indicator not in PAGE_VERDICTS:
        raise Unreachable(f"the status page's summary has no known indicator: {indicator!r}")
    incidents = [
        i
        for i in document.get("incidents") or ()
        if isinstance(i, dict) and i.get("status") in OPEN_INCIDENT_STATUSES
    ]
    verdicts = [PAGE_VERDICTS[indicator]]
    verdicts += [
        "outage" if i.get("impact") in ("major", "critical") else "degraded" for i in incidents
    ]
    verdict = max(verdicts, key=VERDICT_ORDER.index)
    return _entry(
        page_url,
        now,
        verdict,
        [
            (str(i.get("name", "")), _epoch(i.get("started_at") or i.get("created_at")))
            for i in incidents
        ],
        0,
        [],
    )


def cache_path() -> Path:
    """``statusline.json`` in the user's cache directory, as each system names it."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "is-claude-down" / CACHE_FILE


def read_cache(path: Path, source: str) -> Entry | None:
    """The cached entry for this source; None when there is none, it is for another bot or
    page, or it is unreadable (then it is simply fetched again)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("source") != source:
        return None
    numbers = (entry.get("fetched_at"), entry.get("tried_at"))
    if not all(isinstance(n, int | float | None) for n in numbers):
        return None
    return entry


def write_cache(path: Path, entry: Entry) -> None:
    """Atomically (several Claude Code sessions refresh at once): a whole file or the old one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        print(f"is-claude-down statusline: cannot write {path}: {error}", file=sys.stderr)


def _entry(
    source: str,
    now: float,
    verdict: str,
    incidents: Sequence[tuple[str, float | None]],
    reports: int,
    codes: Sequence[str],
) -> Entry:
    first = incidents[0] if incidents else None
    return {
        "source": source,
        "fetched_at": now,
        "tried_at": now,
        "verdict": verdict,
        "incident": {"name": first[0], "started_at": first[1]} if first else None,
        "more_incidents": max(0, len(incidents) - 1),
        "reports": reports,
        "codes": list(codes),
    }


def _epoch(value: object) -> float | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


def _minutes(seconds: float) -> int:
    return max(0, int(seconds // 60))
