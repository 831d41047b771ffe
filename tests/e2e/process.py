"""Running ``is-claude-down`` as a real subprocess and reading what it prints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def bot_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"POLL_INTERVAL_SECONDS": "1", "FEED_TIMEOUT_SECONDS": "1", "NO_COLOR": "1"})
    env["COMMUNITY"] = "off"  # tests reach only loopback: no Reddit, no GitHub
    env.update(overrides)
    return env


def run(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 30, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class BotProcess:
    """A long-running ``watch`` or ``serve``; its output is collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stream, sink in ((self._proc.stdout, self.stdout), (self._proc.stderr, self.stderr)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream: object, sink: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink.append(line.rstrip("\n"))

    def wait_for(self, check: Callable[[], bool], timeout: float = 40, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self._proc.poll() is not None:
                break
            time.sleep(0.05)
        if not check():
            raise AssertionError(
                f"timed out waiting for {what or check} (exit code {self._proc.poll()})\nstdout:\n"
                + "\n".join(self.stdout)
                + "\nstderr:\n"
                + "\n".join(self.stderr[-40:])
            )

    def kill(self) -> None:
        self._proc.kill()
        self._proc.wait(10)

    def terminate(self, timeout: float = 20) -> int:
        self._proc.send_signal(signal.SIGTERM)
        return self._proc.wait(timeout)

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C."""
        self._proc.send_signal(signal.SIGINT)
        return self._proc.wait(timeout)

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def close(self) -> None:
        if self._proc.poll() is None:
            self.kill()
