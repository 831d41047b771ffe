"""Cost at rest: ``serve`` idle with both adapters (Slack and the Discord bot connected) on an
unchanged page: resident memory, CPU time per poll, and the bytes polling costs, counted on
the wire by a relay between the bot and the page."""

from __future__ import annotations

import asyncio

from bench.common import Figure, Serve, bot_env, free_port, metric
from bench.config import Config
from bench.fakes import CountingProxy, Steps
from fakes.discord_api import TOKEN, FakeDiscord
from fakes.slack_api import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from fakes.statuspage import FakeStatuspage

SECTION = "cost at rest"
DEFAULT_INTERVAL = 30.0


async def run(cfg: Config) -> list[Figure]:
    steps = Steps()
    workdir = cfg.workdir / "rest"
    with FakeStatuspage() as page:
        page.set_step(steps.quiet())
        async with CountingProxy(page.port) as proxy, FakeSlack() as slack, FakeDiscord() as fake:
            env = bot_env(
                STATUS_PAGE_URL=proxy.url,
                DATABASE_URL=cfg.database_url(workdir / "bot.db"),
                PORT=str(free_port()),
                POLL_INTERVAL_SECONDS="1",
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=slack.api_url,
                DISCORD_BOT_TOKEN=TOKEN,
                DISCORD_API_URL=fake.api_url,
            )
            serve = Serve(env, workdir)
            serve.start()
            try:
                await serve.ready()
                await fake.wait_connected(timeout=30)
                await asyncio.sleep(cfg.scale(10, 4))  # settle: first polls, command sync
                rss = serve.rss_mb()
                polls_before = metric(await serve.metrics(), "icd_polls_total", result="ok")
                cpu_before = serve.cpu_seconds()
                proxy.reset()
                if cfg.profile == "rest":
                    cfg.start_profile(serve.pid, "rest")
                await asyncio.sleep(cfg.scale(40, 10))
                cfg.stop_profile()
                cpu = serve.cpu_seconds() - cpu_before
                found = await serve.metrics()
                polls = metric(found, "icd_polls_total", result="ok") - polls_before
                not_modified = metric(found, "icd_feed_not_modified_total")
                wire, opened = proxy.sent + proxy.received, proxy.connections
                rss = max(rss, serve.rss_mb())
            finally:
                serve.stop()
        full = len(page._documents["/api/v2/summary.json"])
    per_poll = wire / polls if polls else 0.0
    per_hour = per_poll * 3600 / DEFAULT_INTERVAL
    unconditional = (full + 400) * 3600 / DEFAULT_INTERVAL  # the body plus ~400 B of headers
    cpu_ms = cpu / polls * 1000 if polls else None
    return [
        Figure(SECTION, "RSS of serve, idle, Slack + Discord", rss, "MB", "< 120 MB", rss < 120),
        Figure(
            SECTION,
            "CPU time per poll",
            cpu_ms,
            "ms",
            note=f"{polls:.0f} polls at 1 s; includes the idle process (heartbeats, timers)",
        ),
        Figure(
            SECTION,
            "CPU time per hour at 30 s",
            None if cpu_ms is None else cpu_ms * 3600 / DEFAULT_INTERVAL / 1000,
            "s",
        ),
        Figure(
            SECTION,
            "bytes per poll, unchanged page",
            per_poll,
            "B",
            note=f"{not_modified:.0f} answered 304; {opened} new connections in {polls:.0f} polls",
        ),
        Figure(
            SECTION,
            "bytes per hour at 30 s",
            per_hour,
            "B/h",
            "< 100 KB/h",
            per_hour < 100_000,
            note=f"without conditional requests: {unconditional / 1000:.0f} KB/h",
        ),
    ]
