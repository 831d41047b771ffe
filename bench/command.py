"""Command answer: signed ``/is-claude-down`` slash commands into ``serve``, one at a time and
100 at the same moment, timed from the request's last byte written to the answer's last byte
read, on loopback (what Slack's 3-second clock sees, less the internet)."""

from __future__ import annotations

import asyncio
import json

from bench.common import Figure, Serve, bot_env, free_port, percentile
from bench.config import Config
from bench.fakes import Steps
from bench.http import Client, post
from fakes.slack_api import BOT_TOKEN, SIGNING_SECRET, FakeSlack, sign, slash_command
from fakes.statuspage import FakeStatuspage

SECTION = "command answer"
WORDS = ("", "503", "is claude down?", "529 12m", "overloaded")


def _requests(slack: FakeSlack, count: int, offset: int) -> list[bytes]:
    out = []
    for n in range(offset, offset + count):
        body = slash_command(
            WORDS[n % len(WORDS)],
            response_url=slack.response_url(f"r{n}"),
            channel=f"C{n % 40:08d}",
            user=f"U{n % 300:08d}",
            user_name=f"user{n % 300}",
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        out.append(post("/slack/events", body, headers))
    return out


async def measure(
    serve: Serve, slack: FakeSlack, cfg: Config
) -> tuple[dict[int, list[float]], float]:
    """Latencies (seconds) by concurrency, and ``serve``'s CPU seconds per answer in the bursts
    of a hundred."""
    found: dict[int, list[float]] = {}
    async with Client(serve.port, 1) as one:
        await one.burst(_requests(slack, 1, 0))  # the first asks Slack who we are (auth.test)
        for _ in range(20):  # warm up
            await one.burst(_requests(slack, 1, 0))
        single: list[float] = []
        for n in range(cfg.scale(400, 100)):
            [(status, body, took)] = await one.burst(_requests(slack, 1, n))
            _check(status, body)
            single.append(took)
        found[1] = single
    async with Client(serve.port, 100) as many:
        burst: list[float] = []
        cpu_before = serve.cpu_seconds()
        for round_ in range(cfg.scale(30, 8)):
            answers = await many.burst(_requests(slack, 100, round_ * 100))
            for status, body, took in answers:
                _check(status, body)
                burst.append(took)
            await asyncio.sleep(0.3)
        found[100] = burst
        cpu_per_answer = (serve.cpu_seconds() - cpu_before) / len(burst)
    return found, cpu_per_answer


def _check(status: int, body: bytes) -> None:
    if status != 200 or "text" not in json.loads(body):
        raise RuntimeError(f"a command was not answered: {status} {body[:200]!r}")


async def run(cfg: Config) -> list[Figure]:
    steps = Steps()
    workdir = cfg.workdir / "command"
    with FakeStatuspage() as page:
        page.set_step(steps.quiet())
        page.set_step(steps.opened(1))  # people ask during an incident
        async with FakeSlack() as slack:
            env = bot_env(
                STATUS_PAGE_URL=page.url,
                DATABASE_URL=cfg.database_url(workdir / "bot.db"),
                PORT=str(free_port()),
                POLL_INTERVAL_SECONDS="30",
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=slack.api_url,
            )
            serve = Serve(env, workdir)
            serve.start()
            try:
                await serve.ready()
                if cfg.profile == "command":
                    cfg.start_profile(serve.pid, "command")
                found, cpu_per_answer = await measure(serve, slack, cfg)
                cfg.stop_profile()
            finally:
                serve.stop()
    figures = []
    for concurrency, values in found.items():
        ms = [v * 1000 for v in values]
        p50, p99 = percentile(ms, 50), percentile(ms, 99)
        label = "1 at a time" if concurrency == 1 else f"{concurrency} at once"
        note = f"{len(ms)} requests"
        figures.append(Figure(SECTION, f"p50, {label}", p50, "ms", "< 3000 ms", p50 < 3000, note))
        if concurrency == 100:
            figures.append(Figure(SECTION, f"p99, {label}", p99, "ms", "< 50 ms", p99 < 50, note))
        else:
            figures.append(Figure(SECTION, f"p99, {label}", p99, "ms", "< 3000 ms", p99 < 3000))
    figures.append(
        Figure(
            SECTION,
            "serve CPU per answer, 100 at once",
            cpu_per_answer * 1e6,
            "µs",
            note="x 100: the least a burst's last answer can take on one core, however quiet",
        )
    )
    return figures
