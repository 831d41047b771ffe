"""``is-claude-down status``: one read of the feed, the verdict, the advice, an exit code."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.ask.advisor import advise
from bot.ask.status import status_answer, status_document
from bot.ask.symptoms import SymptomError, parse_symptom
from bot.cli.terminal import status_text
from bot.clock import utc_now
from bot.detect.view import StatusView
from bot.settings import Settings
from bot.statuspage.client import FeedClient, FeedError
from bot.statuspage.snapshot import Snapshot, build_snapshot

log = logging.getLogger(__name__)
EXIT_USAGE = 64


async def run_status(
    settings: Settings, code: str | None, since: int | None, *, as_json: bool
) -> int:
    try:
        symptom = parse_symptom(code) if code else None
    except SymptomError as error:
        print(f"is-claude-down: --code: {error}", file=sys.stderr)
        return EXIT_USAGE
    now = utc_now()
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
                await _last_known(settings),
                readable=False,
                last_error=str(error),
            )
    advice = advise(view, symptom, since, 0, now)
    answer = status_answer(view, advice, now)
    if as_json:
        print(json.dumps(status_document(answer, view), indent=2, ensure_ascii=False))
    else:
        print(status_text(answer, colour=sys.stdout.isatty()))
    return view.verdict.exit_code


async def _last_known(settings: Settings) -> Snapshot | None:
    """The watcher's last good state, if one is running here (SQLite file present)."""
    url = settings.database_url
    if url.startswith("sqlite") and not await asyncio.to_thread(_exists, url.split("///", 1)[-1]):
        return None
    from bot.store import Store  # the database only matters when the feed failed

    store = Store.open(url)
    try:
        return await store.load_snapshot()
    except Exception:  # no schema yet, or unreachable: there is simply no last known state
        return None
    finally:
        await store.close()


def _exists(path: str) -> bool:
    return Path(path).is_file()
