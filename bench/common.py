"""What every benchmark shares: figures with their targets, percentiles, and ``serve`` as a real
subprocess on loopback whose memory, CPU time and metrics can be read."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figure:
    """One measured figure; ``met`` is None when the figure has no target."""

    section: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "ms":
            return f"{self.value:.1f} ms"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        if self.unit == "MB":
            return f"{self.value:.1f} MB"
        if self.unit == "ratio":
            return f"{self.value:.2f}"
        if self.unit in ("count", "B", "B/h", "req/s", "µs"):
            return f"{self.value:,.0f} {self.unit}".replace(" count", "")
        return f"{self.value:g} {self.unit}".strip()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bot_env(**overrides: str) -> dict[str, str]:
    """The environment of a ``serve`` under test: ours minus any chat credentials."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_", "ALERT_", "STATUSPAGE_", "DATABASE_"))
    }
    env.update({"NO_COLOR": "1", "HOST": "127.0.0.1", "LOG_LEVEL": "INFO", "COMMUNITY": "off"})
    env.update(overrides)
    return env


async def until(check: Callable[[], bool], timeout: float, what: str, step: float = 0.01) -> float:
    """Wait until ``check()``; returns the monotonic time it first held."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(step)


class Serve:
    """``python -m bot serve`` in ``workdir``; its logs go to files there (no pipe to drain)."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str = "serve") -> None:
        self.env = env
        self.workdir = workdir
        self.name = name
        self.port = int(env["PORT"])
        self._proc: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    @property
    def stderr_path(self) -> Path:
        return self.workdir / f"{self.name}.stderr.log"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        out = (self.workdir / f"{self.name}.stdout.log").open("ab")
        err = self.stderr_path.open("ab")
        self._logs = [out, err]
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env=self.env,
            cwd=self.workdir,
            stdout=out,
            stderr=err,
        )

    async def ready(self, timeout: float = 60.0) -> float:
        """Wait for ``/readyz``; returns the seconds it took from now."""
        started = time.monotonic()
        async with aiohttp.ClientSession() as http:
            while time.monotonic() - started < timeout:
                if self._proc is not None and self._proc.poll() is not None:
                    break
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            return time.monotonic() - started
                await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} never became ready:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_count(self, needle: str) -> int:
        try:
            return self.stderr_path.read_text(errors="replace").count(needle)
        except OSError:
            return 0

    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return self._status_kb("VmHWM") / 1024

    def _status_kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} for {self.pid}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    async def metrics(self) -> dict[str, float]:
        """``/metrics`` as ``{"name{label=value,...}": value}``."""
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/metrics") as response:
            text = await response.text()
        found: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
        return found

    def stop(self, timeout: float = 20.0) -> int | None:
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for log in self._logs:
            log.close()
        self._proc = None
        return proc.returncode


def metric(found: dict[str, float], name: str, **labels: str) -> float:
    """One sample of ``Serve.metrics()``, 0 when absent."""
    key = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return found.get(f"{name}{{{key}}}" if key else name, 0.0)
