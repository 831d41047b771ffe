"""Fan-out: one incident's start notice to many subscribed channels (Slack in several
workspaces, Discord bot channels in several guilds, Discord webhooks), with the fakes
enforcing the platforms' rate limits; the time until every channel has it, as a ratio to the
least time those limits allow, and every message counted (none lost, none twice)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import aiohttp
import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.installations import Installations
from bench.common import Figure, Serve, bot_env, free_port, metric
from bench.config import Config
from bench.fakes import LimitedDiscord, LimitedSlack, Steps, Window
from bot.clock import utc_now
from bot.notify.ports import Target
from bot.store import Store
from bot.store import tables as t
from fakes.discord_api import GENERAL, TOKEN
from fakes.slack_api import SIGNING_SECRET
from fakes.statuspage import FIXTURES, FakeStatuspage

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "bench-client-secret"  # noqa: S105 - a fake, on loopback
HOOK_TOKEN = "bench-webhook-token"  # noqa: S105


@dataclass(frozen=True)
class Layout:
    """How ``total`` channels are spread: 40 % Slack, 40 % Discord bot, 20 % webhooks."""

    total: int
    workspaces: int
    guilds: int

    @property
    def slack(self) -> int:
        return self.total * 4 // 10

    @property
    def discord(self) -> int:
        return self.total * 4 // 10

    @property
    def webhooks(self) -> int:
        return self.total - self.slack - self.discord

    def least_seconds(self, slack: LimitedSlack, discord: LimitedDiscord) -> float:
        """The least time from the first send to the last that the fakes' limits allow for one
        message per channel: the bot's global limit, or a workspace's; per channel and per
        webhook, one message is always allowed at once."""
        return max(
            Window.least_span(self.discord, *discord.bot_limit),
            Window.least_span(1, *discord.webhook_limit) if self.webhooks else 0.0,
            Window.least_span(1, *slack.per_channel) if self.slack else 0.0,
            Window.least_span(-(-self.slack // self.workspaces), *slack.per_workspace),
        )


def _async_url(url: str) -> str:
    return url.replace("sqlite:///", "sqlite+aiosqlite:///", 1)


async def _subscribe(
    url: str, layout: Layout, slack: LimitedSlack, discord: LimitedDiscord
) -> dict[str, tuple[str, Callable[[], list[float]]]]:
    """Subscribe every channel in the bot's database (as ``subscribe`` would) and install the
    Slack app in each workspace; returns, per target, where its arrivals are recorded."""
    store = Store.open(_async_url(url))
    await store.migrate()
    now = utc_now()
    watch: dict[str, tuple[str, Callable[[], list[float]]]] = {}
    targets: list[Target] = []
    for n in range(layout.slack):
        team, channel = f"T{n % layout.workspaces:08d}", f"C{n:010d}"
        targets.append(Target("slack", channel, team))
        watch[channel] = ("slack", lambda c=channel: slack.arrivals[c])
    for n in range(layout.discord):
        guild, channel = str(1400000000000000000 + n % layout.guilds), str(1500000000000000000 + n)
        discord.add_channel(channel)
        targets.append(Target("discord", channel, guild))
        watch[channel] = ("discord", lambda c=channel: discord.arrivals[c])
    for _ in range(layout.webhooks):
        hook_id, hook_url = discord.add_webhook(GENERAL)
        targets.append(Target("discord-webhook", hook_url))
        watch[hook_id] = ("webhooks", lambda h=hook_id: discord.arrivals[h])
    # Interleave the platforms, as channels subscribe over time.
    order = sorted(range(len(targets)), key=lambda i: (i * 7919) % len(targets))
    for i in order:
        await store.subscribe(targets[i], (), "U0BENCH01", "chat", now)
    installations = Installations.for_oauth(None, CLIENT_ID, store.engine)
    await installations.create_tables()
    assert installations.store is not None
    for w in range(layout.workspaces):
        team, token = f"T{w:08d}", f"xoxb-bench-{w}"
        slack.add_workspace(team, token)
        await installations.store.async_save(
            Installation(
                app_id="A0APP0001",
                team_id=team,
                team_name=f"Workspace {w}",
                bot_token=token,
                bot_id=f"B{w:08d}",
                bot_user_id=f"U{w:08d}",
                bot_scopes=["chat:write", "channels:join", "channels:history"],
                user_id="U0ALICE01",
                installed_at=time.time(),
            )
        )
    await store.close()
    return watch


async def _outbox_states(url: str) -> dict[str, int]:
    store = Store.open(_async_url(url))
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(t.outbox.c.state, sa.func.count()).group_by(t.outbox.c.state)
        )
        found = {str(state): int(count) for state, count in rows}
    await store.close()
    return found


async def fan_out(cfg: Config, layout: Layout, name: str) -> list[Figure]:
    section = f"fan-out to {layout.total:,} channels"
    workdir = cfg.workdir / name
    steps = Steps()
    with FakeStatuspage() as page:
        page.set_step(steps.quiet())
        async with LimitedSlack() as slack, LimitedDiscord() as discord:
            url = cfg.database_url(workdir / "bot.db")
            workdir.mkdir(parents=True, exist_ok=True)
            began = time.monotonic()
            watch = await _subscribe(url, layout, slack, discord)
            setup_s = time.monotonic() - began
            env = bot_env(
                STATUS_PAGE_URL=page.url,
                DATABASE_URL=url,
                PORT=str(free_port()),
                POLL_INTERVAL_SECONDS="600",  # only the webhook trigger polls during the run
                SLACK_CLIENT_ID=CLIENT_ID,
                SLACK_CLIENT_SECRET=CLIENT_SECRET,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=slack.api_url,
                DISCORD_BOT_TOKEN=TOKEN,
                DISCORD_API_URL=discord.api_url,
                STATUSPAGE_WEBHOOK_TOKEN=HOOK_TOKEN,
            )
            serve = Serve(env, workdir)
            serve.start()
            try:
                await serve.ready()
                await discord.wait_connected(timeout=30)
                await asyncio.sleep(1.5)  # the bot's start-up calls leave Discord's window
                idle_rss, cpu_before = serve.rss_mb(), serve.cpu_seconds()
                least = layout.least_seconds(slack, discord)
                if cfg.profile is not None and name.startswith(cfg.profile):
                    cfg.start_profile(serve.pid, name)
                changed = time.monotonic()
                page.set_step(steps.opened(1))
                await _trigger(serve)
                peak = idle_rss

                def done() -> bool:
                    return all(arrivals() for _, arrivals in watch.values())

                deadline = changed + max(90.0, least * 6 + 60)
                while not done() and time.monotonic() < deadline:
                    await asyncio.sleep(0.25)
                    peak = max(peak, serve.rss_mb())
                cfg.stop_profile()
                firsts = [arrivals()[0] for _, arrivals in watch.values() if arrivals()]
                last_by: dict[str, float] = {}
                for platform, arrivals in watch.values():
                    if arrivals():
                        last_by[platform] = max(last_by.get(platform, 0.0), arrivals()[0] - changed)
                all_s = max(firsts) - changed if firsts else None
                first_s = min(firsts) - changed if firsts else None
                await asyncio.sleep(3.0)  # anything sent twice would come now
                cpu = serve.cpu_seconds() - cpu_before
                peak = max(peak, serve.peak_rss_mb())
                found = await serve.metrics()
            finally:
                serve.stop()
            states = await _outbox_states(url)
            counts = [len(arrivals()) for _, arrivals in watch.values()]
            lost = sum(1 for c in counts if c == 0)
            doubled = sum(c - 1 for c in counts if c > 1)
            limited = slack.limited + discord.limited_bot + discord.limited_webhooks
            retried = sum(
                metric(found, "icd_deliveries_total", platform=p, outcome="retried")
                for p in ("slack", "discord", "discord-webhook")
            )
    complete = lost == 0 and all_s is not None
    ratio = all_s / least if complete and all_s is not None and least > 0 else None
    mix = (
        f"{layout.slack} Slack in {layout.workspaces} workspaces, {layout.discord} Discord "
        f"in {layout.guilds} guilds, {layout.webhooks} webhooks"
    )
    return [
        Figure(
            section,
            "every channel has the start notice",
            all_s if complete else None,
            "s",
            note=mix if complete else f"{lost} never arrived; {mix}",
        ),
        Figure(
            section,
            "first channel has it",
            first_s,
            "s",
            note="last: " + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(last_by.items())),
        ),
        Figure(
            section,
            "least time the limits allow",
            least,
            "s",
            note="Discord: 50 requests/s per bot",
        ),
        Figure(
            section,
            "ratio to the least time",
            ratio,
            "ratio",
            "<= 1.2",
            None if ratio is None else ratio <= 1.2,
        ),
        Figure(
            section,
            "lost",
            float(lost),
            "count",
            "0",
            lost == 0,
            note=f"{states['pending']} still queued when the wait ended"
            if states.get("pending")
            else "",
        ),
        Figure(section, "doubled", float(doubled), "count", "0", doubled == 0),
        Figure(
            section,
            "429s answered by the fakes",
            float(limited),
            "count",
            note=f"Slack {slack.limited}, Discord bot {discord.limited_bot}, "
            f"webhooks {discord.limited_webhooks}; dispatcher retries {retried:.0f}",
        ),
        Figure(section, "serve CPU time for the fan-out", cpu, "s"),
        Figure(section, "serve RSS idle / peak", peak, "MB", note=f"idle {idle_rss:.0f} MB"),
        Figure(
            section,
            "outbox after",
            float(states.get("sent", 0)),
            "count",
            note=", ".join(f"{k} {v}" for k, v in sorted(states.items()))
            + f"; subscribing took {setup_s:.0f} s",
        ),
    ]


async def _trigger(serve: Serve) -> None:
    body = (FIXTURES / "webhook-incident.json").read_bytes()
    url = f"{serve.url}/webhooks/statuspage/{HOOK_TOKEN}"
    async with aiohttp.ClientSession() as http, http.post(url, data=body) as response:
        if response.status != 202:
            raise RuntimeError(f"the webhook answered {response.status}")


async def run(cfg: Config) -> list[Figure]:
    """300 and 1,000 channels; a full run repeats each three times and shows the median run
    (this machine's speed varies by a third from minute to minute), with every run's ratio."""
    figures: list[Figure] = []
    for layout in (Layout(300, workspaces=3, guilds=2), Layout(1000, workspaces=5, guilds=4)):
        runs = []
        for n in range(cfg.scale(3, 1)):
            runs.append(await fan_out(cfg, layout, f"fanout{layout.total}-{n}"))
        figures += _median(runs)
    return figures


def _median(runs: list[list[Figure]]) -> list[Figure]:
    if len(runs) == 1:
        return runs[0]

    def ratio(figures: list[Figure]) -> float:
        value = next(f.value for f in figures if f.name == "ratio to the least time")
        return value if value is not None else float("inf")

    ordered = sorted(runs, key=ratio)
    median = ordered[len(ordered) // 2]
    every = ", ".join(f"{ratio(r):.2f}" for r in runs)
    return [
        replace(f, note=f"median of {len(runs)} runs: {every}")
        if f.name == "ratio to the least time"
        else f
        for f in median
    ]


async def run_scale(cfg: Config) -> list[Figure]:
    return await fan_out(cfg, Layout(10_000, workspaces=20, guilds=10), "scale")
