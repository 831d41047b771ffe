"""Multi-workspace: the OAuth install into the bot's database, per-workspace tokens for
alerts, and uninstall / token revocation cleaning up. Socket Mode, too."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.slack import SlackAdapter
from adapters.slack.installations import Installations
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.notify.ports import ChatAdapter, PermanentDeliveryError, Target, TransientDeliveryError
from fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlack, event_callback, sign, texts
from fakes.statuspage import FakeStatuspage
from tests.integration.helpers import fresh_attempt
from tests.integration.slack.conftest import Bot, running_bot

OTHER_TEAM = "T0OTHER01"
OTHER_TOKEN = "xoxb-other-team-token"
NOTICE = Notice(
    kind=NoticeKind.INCIDENT_STARTED,
    title="Elevated errors",
    severity=Severity.MINOR,
    status="investigating",
    text="Looking into it.",
    at=datetime(2026, 11, 24, tzinfo=UTC),
)


@pytest.fixture
async def oauth_bot(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path, database_url: str
) -> AsyncIterator[Bot]:
    """Installations in the bot's own database: SQLite, and PostgreSQL when there is one."""
    env = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "shh",
        "DATABASE_URL": database_url,
    }
    async with running_bot(slack, statuspage, tmp_path, **env) as running:
        yield running


def delivery(bot: Bot) -> ChatAdapter:
    [adapter] = [a for a in bot.app.adapters if isinstance(a, SlackAdapter)]
    return adapter.deliveries()["slack"]


async def install(bot: Bot, team: str, token: str) -> str:
    """Click through /slack/install and Slack's consent page, as a browser would."""
    async with bot.http.get(f"{bot.url}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    authorize = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', html)
    assert authorize is not None, html
    assert authorize.group(1).startswith(bot.slack.base_url + "/oauth/v2/authorize?")
    scopes = re.search(r"scope=([^&]+)", authorize.group(1))
    assert scopes is not None
    state = re.search(r"state=([^&]+)", authorize.group(1))
    assert state is not None
    code = bot.slack.issue_oauth_code(team, token)
    async with bot.http.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": code, "state": state.group(1)},
        headers={"Cookie": cookie},
    ) as done:
        assert done.status == 200, await done.text()
    return scopes.group(1).replace("%3A", ":").replace("%2C", ",")


async def test_an_install_asks_for_exactly_the_manifest_scopes(oauth_bot: Bot) -> None:
    scopes = await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    manifest = (Path(__file__).parents[3] / "deploy" / "slack" / "manifest.yml").read_text()
    listed = re.findall(r"^\s+- ([a-z_.]+:[a-z_.]+|commands)$", manifest, re.MULTILINE)
    assert sorted(scopes.split(",")) == sorted(listed)


async def test_alerts_go_out_with_the_workspaces_own_token(oauth_bot: Bot) -> None:
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    await delivery(oauth_bot).post(
        Target("slack", "C0ALERTS1", OTHER_TEAM), NOTICE, fresh_attempt()
    )
    [call] = oauth_bot.slack.calls_to("chat.postMessage")
    assert call.token == OTHER_TOKEN


async def test_a_reinstall_here_is_used_at_once(oauth_bot: Bot) -> None:
    """The token is kept between messages, and forgotten when an install is saved."""
    target = Target("slack", "C0ALERTS1", OTHER_TEAM)
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())
    await install(oauth_bot, OTHER_TEAM, "xoxb-other-team-reinstalled")
    await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())
    tokens = [c.token for c in oauth_bot.slack.calls_to("chat.postMessage")]
    assert tokens == [OTHER_TOKEN, "xoxb-other-team-reinstalled"]


async def test_a_token_replaced_by_another_replica_is_retried_not_revoked(
    oauth_bot: Bot,
) -> None:
    """Another replica took a reinstall whose new token replaced the one this process keeps:
    Slack refuses the old one, and the workspace is not taken for uninstalled."""
    target = Target("slack", "C0ALERTS1", OTHER_TEAM)
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    await oauth_bot.command("subscribe", team=OTHER_TEAM, channel="C0ALERTS1")
    await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())
    other_replica = Installations.for_oauth(None, "1111.2222", oauth_bot.app.store.engine)
    assert other_replica.store is not None
    newer = await other_replica.store.async_find_bot(enterprise_id=None, team_id=OTHER_TEAM)
    assert newer is not None
    newer.bot_token = "xoxb-other-team-rotated"
    newer.installed_at = newer.installed_at + 1
    await other_replica.store.async_save_bot(newer)
    oauth_bot.slack.tokens["xoxb-other-team-rotated"] = OTHER_TEAM
    oauth_bot.slack.revoked.add(OTHER_TOKEN)
    with pytest.raises(TransientDeliveryError, match="replaced"):
        await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())
    await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())
    tokens = [c.token for c in oauth_bot.slack.calls_to("chat.postMessage")]
    assert tokens == [OTHER_TOKEN, OTHER_TOKEN, "xoxb-other-team-rotated"]
    assert await oauth_bot.app.store.subscription(target) is not None


async def test_a_command_from_an_installed_workspace_is_answered(oauth_bot: Bot) -> None:
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    answer = await oauth_bot.command("", team=OTHER_TEAM)
    assert "No, Claude is up" in answer["text"]


async def test_a_workspace_without_an_install_gets_answers_but_cannot_subscribe(
    oauth_bot: Bot,
) -> None:
    """A status answer needs no token; a subscription does (alerts are posted with it)."""
    answer = await oauth_bot.command("503", team="T0NOBODY1")
    assert "What to do about 503" in texts(answer["blocks"])
    refused = await oauth_bot.command("subscribe", team="T0NOBODY1", channel="C0ALERTS1")
    assert "not installed in this workspace" in refused["text"]
    assert await oauth_bot.app.store.subscription(Target("slack", "C0ALERTS1", "T0NOBODY1")) is None
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    accepted = await oauth_bot.command("subscribe", team=OTHER_TEAM, channel="C0ALERTS1")
    assert "Subscribed" in accepted["text"]


async def test_a_workspace_without_an_install_is_refused_permanently(oauth_bot: Bot) -> None:
    with pytest.raises(PermanentDeliveryError, match="not installed"):
        await delivery(oauth_bot).post(
            Target("slack", "C0ALERTS1", "T0NOBODY1"), NOTICE, fresh_attempt()
        )
    with pytest.raises(PermanentDeliveryError, match="TEAM_ID/CHANNEL_ID"):
        await delivery(oauth_bot).post(Target("slack", "C0ALERTS1"), NOTICE, fresh_attempt())


@pytest.mark.parametrize(
    "event",
    [
        {"type": "app_uninstalled", "event_ts": "1.1"},
        {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT0001"]}, "event_ts": "1.1"},
    ],
)
async def test_uninstall_and_revocation_forget_the_workspace(
    oauth_bot: Bot, event: dict[str, Any]
) -> None:
    await install(oauth_bot, OTHER_TEAM, OTHER_TOKEN)
    await oauth_bot.command("subscribe", team=OTHER_TEAM, channel="C0ALERTS1")
    target = Target("slack", "C0ALERTS1", OTHER_TEAM)
    assert await oauth_bot.app.store.subscription(target) is not None
    body = event_callback(event, event_id="Ev9", team=OTHER_TEAM)
    status, _ = await oauth_bot.post_events(body, "application/json", sign(body))
    assert status == 200
    for _ in range(1000):  # the event is acknowledged first and handled right after
        if await oauth_bot.app.store.subscription(target) is None:
            break
        await asyncio.sleep(0.01)
    assert await oauth_bot.app.store.subscription(target) is None
    with pytest.raises(PermanentDeliveryError, match="not installed"):
        await delivery(oauth_bot).post(target, NOTICE, fresh_attempt())


async def test_socket_mode_answers_the_command_over_the_socket(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    env = {"SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": ""}
    async with running_bot(slack, statuspage, tmp_path, **env) as bot:
        payload = {
            "team_id": "T0TEAM001",
            "channel_id": "C0GENERAL",
            "user_id": "U0ALICE01",
            "user_name": "alice",
            "command": "/is-claude-down",
            "text": "529",
            "response_url": slack.response_url(),
            "api_app_id": "A0APP0001",
        }
        answer = await slack.send_envelope("slash_commands", payload)
        assert answer["response_type"] == "ephemeral"
        assert "What to do about 529" in texts(answer["blocks"])
        async with bot.http.post(f"{bot.url}/slack/events", data="{}") as resp:
            assert resp.status in (404, 405)  # no HTTP events route in Socket Mode
        assert slack.calls_to("apps.connections.open")[0].token == APP_TOKEN
        assert BOT_TOKEN in {c.token for c in slack.calls_to("auth.test")}


async def test_the_install_tables_survive_restarts_and_replicas_starting_together(
    database_url: str,
) -> None:
    engines = [create_async_engine(database_url) for _ in range(3)]
    try:
        replicas = [Installations.for_oauth(None, "1111.2222", engine) for engine in engines]
        await asyncio.gather(*(replica.create_tables() for replica in replicas))
        await replicas[0].create_tables()  # a restart
        with pytest.raises(PermanentDeliveryError, match="not installed"):
            await replicas[1].bot_token("T0NOBODY1")  # the tables are there, and empty
    finally:
        for engine in engines:
            await engine.dispose()
