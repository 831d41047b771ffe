"""``statusline``'s wall time, the whole process, as Claude Code pays it on every refresh.

The floor is a cold ``python -c pass`` of the same interpreter. Measured: a fresh cache (no
request), a refresh from the team's bot (a small server answering ``/api/status`` as ``serve``
does), and the network gone (a server that accepts and never answers: the refresh budget runs
out). Medians of runs alternated with the floor, so a drift in the machine's speed touches both.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import Figure
from bench.config import Config

SECTION = "Claude Code status line (whole process, wall time)"
STATUS = {
    "verdict": "outage",
    "incidents": [{"name": "Elevated errors on Claude Opus", "started_at": "2026-12-07T11:00:00Z"}],
    "reports": {"last_10_minutes": 3, "from": ["claude-code"], "codes": ["529"]},
}


async def run(cfg: Config) -> list[Figure]:
    runs = cfg.scale(40, 12)
    with _bot() as bot_url, _silent() as silent_url, tempfile.TemporaryDirectory() as home:
        env = _env(home, bot_url)
        floor = [sys.executable, "-c", "pass"]
        statusline = [sys.executable, "-m", "bot", "statusline"]
        _time(statusline, env)  # warm the cache and the file system
        fresh, base = _paired(statusline, env, floor, runs)
        refresh, _ = _paired(statusline, env | {"STATUSLINE_CACHE_SECONDS": "0"}, floor, runs)
        gone = env | {"IS_CLAUDE_DOWN_URL": silent_url, "STATUS_PAGE_URL": silent_url}
        offline, _ = _paired(statusline, gone | {"STATUSLINE_CACHE_SECONDS": "0"}, floor, runs)
    median = statistics.median
    return [
        Figure(SECTION, "python -c pass (the floor)", median(base) * 1000, "ms"),
        Figure(
            SECTION,
            "fresh cache, no request",
            median(fresh) * 1000,
            "ms",
            note=f"{median(fresh) - median(base):+.3f} s over the floor",
        ),
        _within(SECTION, "refresh from the bot's /api/status", refresh),
        _within(SECTION, "network gone (a server that never answers)", offline),
    ]


def _within(section: str, name: str, times: list[float]) -> Figure:
    worst = max(times)
    return Figure(
        section,
        name,
        statistics.median(times) * 1000,
        "ms",
        target="< 1,000 ms",
        met=worst < 1.0,
        note=f"max {worst * 1000:.0f} ms",
    )


def _paired(
    command: list[str], env: dict[str, str], floor: list[str], runs: int
) -> tuple[list[float], list[float]]:
    measured, base = [], []
    for _ in range(runs):
        measured.append(_time(command, env))
        base.append(_time(floor, env))
    return measured, base


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    return time.perf_counter() - started


def _env(home: str, bot_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME")}
    return keep | {
        "XDG_CACHE_HOME": str(Path(home) / "cache"),
        "IS_CLAUDE_DOWN_URL": bot_url,
        "NO_COLOR": "1",
    }


@contextmanager
def _bot() -> Iterator[str]:
    body = json.dumps(STATUS).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _silent() -> Iterator[str]:
    """Accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
