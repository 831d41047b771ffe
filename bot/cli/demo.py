"""``is-claude-down demo``: replay the recorded incident through the real pipeline, to the
console and every configured alert target, each notice marked as a test.

The demo has a database of its own (a temporary file), so it never mixes with the real state:
running it during a real incident disturbs no real thread, and no real notice can ever be
suppressed as a repeat of a demo one.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.settings import Settings

log = logging.getLogger(__name__)
WHOLE_REPLAY_SECONDS = 20.0


async def run_demo(settings: Settings, speed: float) -> int:
    print(  # first, before the seconds the imports below take on a slow machine
        f"Replaying a recorded incident {_how_long(WHOLE_REPLAY_SECONDS / speed)}. "
        "Every notice is marked TEST; nothing here is real.",
        flush=True,
    )
    from bot.statuspage import recording
    from bot.wiring import build_app

    steps = recording.load()
    pause = WHOLE_REPLAY_SECONDS / len(steps) / speed
    page = recording.RecordedPage()
    page.show(steps[0])
    with tempfile.TemporaryDirectory(prefix="is-claude-down-demo-") as folder:
        demo_settings = replace(
            settings,
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}",
            status_page_url=steps[0]["summary"]["page"]["url"],
            statuspage_webhook_token=None,
        )
        app = build_app(demo_settings, "demo", feed_transport=page.transport)
        await app.start()
        try:
            for step in steps:
                page.show(step)
                await app.poller.poll()
                await app.dispatcher.drain()
                await asyncio.sleep(pause)
        finally:
            await app.stop()
    print("Demo over. `is-claude-down watch` watches the real page.", flush=True)
    return 0


def _how_long(seconds: float) -> str:
    """``in about 20 s``, ``in about 2 min``; a fast replay is ``in a moment``, never ``0 s``."""
    if seconds < 1.5:
        return "in a moment"
    if seconds < 90:
        return f"in about {seconds:.0f} s"
    return f"in about {seconds / 60:.0f} min"
