"""``is-claude-down status``: one read of the feed (and of each community source, at the same
time), the verdict, the advice, an exit code."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.ask.advisor import advise
from bot.ask.playbook import TERMINAL
from bot.ask.status import status_answer, status_document
from bot.ask.symptoms import SymptomError, parse_symptom
from bot.cli.terminal import status_text, wants_colour
from bot.clock import utc_now
from bot.detect import client_reports
from bot.detect.view import StatusView
from bot.settings import Settings
from bot.signals.community.setup import read_once
from bot.statuspage.client import FeedClient, FeedError
from bot.statuspage.snapshot import build_snapshot

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)
EXIT_USAGE = 64
T = TypeVar("T")


async def run_status(
    settings: Settings, code: str | None, since: int | None, *, as_json: bool
) -> int:
    try:
        symptom = parse_symptom(code) if code else None
    except SymptomError as error:
        print(f"is-claude-down: --code: {error}", file=sys.stderr)
        return EXIT_USAGE
    now = utc_now()
    community = asyncio.create_task(read_once(settings, now))
    async with FeedClient(settings.status_page_url, settings.feed_timeout_seconds) as feed:
        try:
            summary = (await feed.summary()).document
            view = StatusView(
                settings.status_page_url,
                build_snapshot(None, summary, None, None, now),
                readable=True,
            )
        except FeedError as error:
            log.warning("cannot read the status page: %s", error)
            view = StatusView(
                settings.status_page_url,
                await _from_database(settings, lambda store: store.load_snapshot()),
                readable=False,
                last_error=str(error),
            )
    if settings.report_token is not None:  # this bot takes clients' reports: say how many
        start = now - client_reports.WINDOW
        reports = await _from_database(settings, lambda store: store.client_reports(start))
        view = replace(view, client_reports=client_reports.summarize(reports or (), start))
    view = replace(view, community=await community)
    advice = advise(view, symptom, since, 0, now, phrasing=TERMINAL)
    answer = status_answer(view, advice, now)
    if as_json:
        print(json.dumps(status_document(answer, view), indent=2, ensure_ascii=False))
    else:
        print(status_text(answer, colour=wants_colour(sys.stdout)))
    return view.verdict.exit_code


async def _from_database(settings: Settings, read: Callable[[Store], Awaitable[T]]) -> T | None:
    """What the bot running here (its SQLite file present, or its PostgreSQL) has stored: the
    last good state when the feed failed, the clients' reports."""
    url = settings.database_url
    if url.startswith("sqlite") and not await asyncio.to_thread(_exists, url.split("///", 1)[-1]):
        return None
    from bot.store import Store  # the database only when it has something to add

    store = Store.open(url)
    try:
        return await read(store)
    except Exception:  # no schema yet, or unreachable: there is simply nothing stored
        return None
    finally:
        await store.close()


def _exists(path: str) -> bool:
    return Path(path).is_file()
