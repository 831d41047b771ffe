"""``watch`` and ``serve``: run the bot until Ctrl-C or SIGTERM.

``watch`` tells its user at once what it watches and how often, then the state after the
first read (or that it cannot read the page yet), then every notice as it happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from typing import Literal

from bot.ask.advisor import advise
from bot.ask.status import status_answer
from bot.cli.terminal import state_text, wants_colour
from bot.cli.usage import EXIT_CONFIG, PROG
from bot.detect.view import StatusView
from bot.settings import Settings

log = logging.getLogger("bot")
EXIT_NOT_STARTED = 1


async def run_forever(settings: Settings, mode: Literal["watch", "serve"]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # first: Ctrl-C at any moment stops cleanly
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    every = f"{settings.poll_interval_seconds:g} s"
    if mode == "watch":
        print(
            f"Watching {settings.status_page_url} every {every}; "
            "notices print here as they happen (Ctrl-C stops).",
            flush=True,
        )
    else:
        log.info(
            "starting: the HTTP server on %s:%s, watching %s every %s",
            settings.host,
            settings.port,
            settings.status_page_url,
            every,
        )
    from bot.store.problems import DatabaseUnusable
    from bot.wiring import build_app  # the whole bot: imported only when it runs

    app = build_app(settings, mode)
    if mode == "watch":
        app.poller.after_poll.append(_FirstRead(settings.poll_interval_seconds))
    starting = asyncio.create_task(app.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if starting.done() and not starting.exception():
        _settle_memory()
    if not starting.done():  # stopped while starting (a slow database or chat platform)
        starting.cancel()
    try:
        await starting
    except asyncio.CancelledError:
        pass
    except DatabaseUnusable as error:
        stopping.cancel()
        print(f"{PROG}: configuration error: DATABASE_URL: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except Exception as error:
        stopping.cancel()
        log.error("could not start: %s", error)
        await app.stop()
        return EXIT_NOT_STARTED
    await stopping
    log.info("stopping")
    await app.stop()
    log.info("stopped")
    return 0


def _settle_memory() -> None:
    """Take what start-up made out of the garbage collector's full passes.

    A full collection walks every object alive: with the libraries loaded that is 120-190 ms
    on a small machine, stalling every answer in flight (the slowest answers of a burst of a
    hundred slash commands were these pauses). Start-up's objects live as long as the process,
    so, once its garbage is collected, they are frozen (``gc.freeze``): later passes walk only
    what was made since, a few milliseconds.
    """
    gc.collect()
    gc.freeze()


class _FirstRead:
    """Prints, once, what the first poll found: the state, or that the page is not readable."""

    def __init__(self, every_seconds: float) -> None:
        self._every = every_seconds
        self._done = False

    def __call__(self, view: StatusView) -> None:
        if self._done:
            return
        self._done = True
        print(first_read_text(view, self._every, colour=wants_colour(sys.stdout)), flush=True)


def first_read_text(view: StatusView, every_seconds: float, *, colour: bool) -> str:
    if view.consecutive_failures:
        why = f" ({view.last_error})" if view.last_error else ""
        return f"Can't read the status page yet: retrying every {every_seconds:g} s{why}."
    assert view.checked_at is not None
    now = view.checked_at
    answer = status_answer(view, advise(view, None, None, 0, now), now)
    return "Now: " + state_text(answer, colour=colour)
