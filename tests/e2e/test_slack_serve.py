"""``is-claude-down serve`` with Slack credentials, as a real subprocess against the fake Slack
and the fake Statuspage page: the issue's "done when", including a kill in the middle."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fakes.slack_api import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    ThreadedFakeSlack,
    sign,
    slash_command,
)
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env

STEPS = scenario_steps("api-elevated-errors")
ALERTS = "C0ALERTS1"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with ThreadedFakeSlack() as fake:
        yield fake


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """One ``serve`` process at a time, restartable on the same database and port."""

    def __init__(self, slack: FakeSlack, page: FakeStatuspage, tmp_path: Path) -> None:
        self.slack = slack
        self.port = free_port()
        self.cwd = tmp_path
        self.env = bot_env(
            STATUS_PAGE_URL=page.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            HOST="127.0.0.1",
            PORT=str(self.port),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
        )
        self.process: BotProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotProcess:
        self.process = BotProcess(["serve"], self.env, self.cwd)
        self.process.wait_for(self._ready, timeout=60, what="serve to be ready")
        return self.process

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def command(
        self, text: str, *, signed: bool = True, channel: str = "C0GENERAL"
    ) -> httpx.Response:
        body = slash_command(text, response_url=self.slack.response_url(), channel=channel)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signed:
            headers.update(sign(body))
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=5)

    def wait_for(self, check: object, what: str) -> None:
        assert self.process is not None
        self.process.wait_for(check, timeout=40, what=what)  # type: ignore[arg-type]


@pytest.fixture
def served(slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path) -> Iterator[Served]:
    statuspage.set_step(STEPS[0])
    bot = Served(slack, statuspage, tmp_path)
    yield bot
    if bot.process is not None:
        bot.process.close()


def test_a_signed_command_gets_the_verdict_fast_and_an_unsigned_one_401(served: Served) -> None:
    process = served.start()
    first = served.command("")  # the first one also checks the token with Slack (auth.test)
    assert first.status_code == 200
    started = time.perf_counter()
    answer = served.command("is claude down?")
    took = time.perf_counter() - started
    assert answer.status_code == 200
    assert "No, Claude is up" in answer.json()["text"]
    assert took < 3.0  # Slack's own limit for an answer; how fast it is, is bench's figure
    assert served.command("", signed=False).status_code == 401
    assert not any(BOT_TOKEN in line or SIGNING_SECRET in line for line in process.stderr)


def test_a_scripted_incident_is_posted_exactly_once_through_429s_500s_and_a_kill(
    served: Served, slack: FakeSlack, statuspage: FakeStatuspage
) -> None:
    served.start()
    assert "Subscribed" in served.command("subscribe", channel=ALERTS).json()["text"]

    def thread() -> tuple[int, int, int]:
        roots = slack.roots(ALERTS)
        replies = slack.replies(ALERTS, roots[0].ts) if roots else []
        return len(roots), len(replies), sum(len(r.edits) for r in roots)

    slack.fail("chat.postMessage", status=429, retry_after=1)
    statuspage.set_step(STEPS[1])
    served.wait_for(lambda: thread() == (1, 0, 0), "the start notice, after a 429")

    slack.fail("chat.postMessage", status=500)
    statuspage.set_step(STEPS[2])
    served.wait_for(lambda: thread() == (1, 1, 0), "the first update, after a 500")

    # The next update meets a long rate limit; the bot is killed while it waits to retry.
    slack.fail("chat.postMessage", status=429, retry_after=4)
    statuspage.set_step(STEPS[3])
    served.wait_for(lambda: len(slack.calls_to("chat.postMessage")) == 5, "the 429")
    assert served.process is not None
    served.process.kill()
    served.start()
    served.wait_for(lambda: thread() == (1, 2, 0), "the update, once, after the restart")

    for step, expected in ((STEPS[4], (1, 3, 0)), (STEPS[5], (1, 4, 1)), (STEPS[6], (1, 4, 1))):
        statuspage.set_step(step)
        served.wait_for(lambda want=expected: thread() == want, f"{expected}")  # type: ignore[misc]
    polled = len(statuspage.paths_requested())
    served.wait_for(lambda: len(statuspage.paths_requested()) >= polled + 2, "two more polls")
    assert thread() == (1, 4, 1)  # the unchanged page posts nothing more

    [root] = slack.roots(ALERTS)
    replies = slack.replies(ALERTS, root.ts)
    assert [r.reply_broadcast for r in replies] == [False, False, False, True]
    assert root.text.startswith("✅ *Resolved after ")
    assert len(root.edits) == 1
    bodies = [json.dumps(r.attachments[0]["blocks"][0]) for r in replies]
    assert len(set(bodies)) == 4  # no update twice
