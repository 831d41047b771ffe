"""Alert latency: from the moment the fake page changes to the moment the fake Slack and
Discord (the bot and a webhook) receive the start notice, once by polling (the change comes at
a random moment between polls) and once by the Statuspage webhook trigger."""

from __future__ import annotations

import asyncio
import random
import time

import aiohttp

from bench.common import Figure, Serve, bot_env, free_port, percentile, until
from bench.config import Config
from bench.fakes import LimitedDiscord, LimitedSlack, Steps
from fakes.discord_api import ALERTS, GENERAL, TOKEN
from fakes.slack_api import BOT_TOKEN, SIGNING_SECRET
from fakes.statuspage import FIXTURES, FakeStatuspage

SECTION = "alert latency"
SLACK_CHANNEL = "C0ALERTS1"
HOOK_TOKEN = "bench-webhook-token"  # noqa: S105 - a fake, on loopback
QUIET_SECONDS = 2.5
"""Longer than the fakes' per-channel windows (Slack 1 s, a Discord webhook 2 s)."""


class Rig:
    """One ``serve`` with a Slack channel, a Discord channel and a Discord webhook subscribed."""

    def __init__(
        self, cfg: Config, page: FakeStatuspage, slack: LimitedSlack, discord: LimitedDiscord
    ) -> None:
        self.cfg, self.page, self.slack, self.discord = cfg, page, slack, discord
        self.hook_id, hook_url = discord.add_webhook(GENERAL)
        self.channels = f"slack:{SLACK_CHANNEL},discord:{ALERTS},discord-webhook:{hook_url}"
        self.steps = Steps()
        self.number = 0
        self.serve: Serve | None = None

    def arrivals(self) -> dict[str, list[float]]:
        return {
            "slack": self.slack.arrivals[SLACK_CHANNEL],
            "discord": self.discord.arrivals[ALERTS],
            "discord-webhook": self.discord.arrivals[self.hook_id],
        }

    async def start(self, name: str, interval: float) -> Serve:
        self.page.set_step(self.steps.quiet())
        workdir = self.cfg.workdir / f"alerts-{name}"
        env = bot_env(
            STATUS_PAGE_URL=self.page.url,
            DATABASE_URL=self.cfg.database_url(workdir / "bot.db"),
            PORT=str(free_port()),
            POLL_INTERVAL_SECONDS=f"{interval:g}",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.slack.api_url,
            DISCORD_BOT_TOKEN=TOKEN,
            DISCORD_API_URL=self.discord.api_url,
            ALERT_CHANNELS=self.channels,
            STATUSPAGE_WEBHOOK_TOKEN=HOOK_TOKEN,
        )
        self.serve = Serve(env, workdir)
        self.serve.start()
        sessions = len(self.discord.sessions)
        await self.serve.ready()
        await self.discord.wait_connected(sessions + 1, timeout=30)
        return self.serve

    async def incident(self, trigger: bool, timeout: float) -> dict[str, float]:
        """Open a new incident, return each platform's latency (s), then resolve it and wait
        for the resolution everywhere, so the next incident starts from a quiet page. The
        resolution is always read at once through the webhook trigger (it is not timed)."""
        self.number += 1
        before = {k: len(v) for k, v in self.arrivals().items()}
        changed = time.monotonic()
        self.page.set_step(self.steps.opened(self.number))
        if trigger:
            await self.webhook()
        await until(
            lambda: all(len(v) > before[k] for k, v in self.arrivals().items()),
            timeout,
            f"start notice {self.number} everywhere",
        )
        latency = {k: v[before[k]] - changed for k, v in self.arrivals().items()}
        self.page.set_step(self.steps.resolved(self.number))
        await self.webhook()
        # The resolution brings the updates the page posted meanwhile, then the resolution:
        # wait until every channel has them all and its rate-limit window is clear again, so
        # the next start notice is not queued behind them.
        await until(
            lambda: all(len(v) > before[k] + 1 for k, v in self.arrivals().items()),
            timeout,
            f"resolution {self.number} everywhere",
        )
        await self.quiet(QUIET_SECONDS, timeout)
        return latency

    async def quiet(self, seconds: float, timeout: float) -> None:
        """Until nothing has arrived anywhere for ``seconds``."""

        def last() -> float:
            return max((v[-1] for v in self.arrivals().values() if v), default=0.0)

        await until(lambda: time.monotonic() - last() >= seconds, timeout, "quiet channels")

    async def webhook(self) -> None:
        """What Statuspage sends to a webhook subscriber when the page changes."""
        assert self.serve is not None
        body = (FIXTURES / "webhook-incident.json").read_bytes()
        url = f"{self.serve.url}/webhooks/statuspage/{HOOK_TOKEN}"
        async with aiohttp.ClientSession() as http, http.post(url, data=body) as response:
            if response.status != 202:
                raise RuntimeError(f"the webhook answered {response.status}")


def _figures(mode: str, samples: list[dict[str, float]], target_s: float) -> list[Figure]:
    """p50, p95 (held to ``target_s``) and max of the worst platform's latency per incident."""
    worst = [max(s.values()) for s in samples]
    per_platform = ", ".join(
        f"{k} p50 {percentile([s[k] for s in samples], 50) * 1000:.0f} ms" for k in samples[0]
    )
    note = f"{len(samples)} incidents; {per_platform}"
    p50, p95, top = percentile(worst, 50), percentile(worst, 95), max(worst)
    return [
        Figure(SECTION, f"{mode}: p50", p50, "s", note=note),
        Figure(SECTION, f"{mode}: p95", p95, "s", f"<= {target_s:g} s", p95 <= target_s),
        Figure(SECTION, f"{mode}: max", top, "s"),
    ]


async def run(cfg: Config) -> list[Figure]:
    figures: list[Figure] = []
    interval = 5.0  # the measure: interval + 1 s at p95 with a 5 s interval
    with FakeStatuspage() as page:
        async with LimitedSlack() as slack, LimitedDiscord() as discord:
            rig = Rig(cfg, page, slack, discord)
            serve = await rig.start("poll", interval)
            try:
                if cfg.profile == "alerts":
                    cfg.start_profile(serve.pid, "alerts")
                samples = []
                for _ in range(cfg.scale(20, 6)):
                    await asyncio.sleep(random.uniform(0, interval))
                    samples.append(await rig.incident(trigger=False, timeout=interval * 3 + 10))
            finally:
                serve.stop()
            figures += _figures(f"by polling every {interval:g} s", samples, interval + 1)
            serve = await rig.start("webhook", 600)
            try:
                samples = []
                for _ in range(cfg.scale(20, 6)):
                    await asyncio.sleep(random.uniform(0.2, 1.0))
                    samples.append(await rig.incident(trigger=True, timeout=20))
                cfg.stop_profile()
            finally:
                serve.stop()
            figures += _figures("by the Statuspage webhook", samples, 1.0)
    return figures
