"""``is-claude-down status`` and ``config`` as a subprocess: exit codes, JSON, advice."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from fakes.statuspage import FakeStatuspage
from tests.e2e.process import bot_env, run

CONTRACT_KEYS = {
    "verdict",
    "indicator",
    "description",
    "checked_at",
    "source",
    "components",
    "incidents",
    "maintenances",
    "advice",
}
ADVICE_KEYS = {"kind", "code", "since_minutes", "team_reports", "summary", "steps", "avoid"}


@pytest.mark.parametrize(
    ("fixture", "verdict", "indicator", "exit_code"),
    [
        ("summary-operational.json", "operational", "none", 0),
        ("summary-minor-incident.json", "degraded", "minor", 1),
        ("summary-maintenance.json", "degraded", "maintenance", 1),
        ("summary-major-outage.json", "outage", "major", 2),
        ("summary-critical.json", "outage", "critical", 2),
    ],
)
def test_status_json_and_exit_code_per_page(
    statuspage: FakeStatuspage,
    tmp_path: Path,
    fixture: str,
    verdict: str,
    indicator: str,
    exit_code: int,
) -> None:
    statuspage.set_summary(fixture)
    done = run(["status", "--json"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    assert done.returncode == exit_code, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == CONTRACT_KEYS
    assert set(document["advice"]) == ADVICE_KEYS
    assert document["verdict"] == verdict
    assert document["indicator"] == indicator
    assert document["source"] == statuspage.url
    assert document["checked_at"].endswith("Z")
    assert {c["name"] for c in document["components"]} >= {"claude.ai", "Claude Code"}


def test_unreachable_page_is_unknown_exit_3(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run(
        ["status", "--json", "--code", "503"],
        bot_env(STATUS_PAGE_URL=f"http://127.0.0.1:{port}"),
        tmp_path,
    )
    assert done.returncode == 3
    document = json.loads(done.stdout)
    assert document["verdict"] == "unknown"
    assert document["indicator"] is None
    assert document["advice"]["kind"] == "feed-unknown"
    assert "can't read the status page" in document["advice"]["summary"]


@pytest.mark.parametrize(
    ("fixture", "code", "since", "kind"),
    [
        ("summary-operational.json", None, None, "all-clear"),
        ("summary-operational.json", "503", "3", "wait"),
        ("summary-operational.json", "529", None, "wait"),
        ("summary-operational.json", "overloaded", "12", "local-check"),
        ("summary-operational.json", "timeout", "10", "local-check"),
        ("summary-operational.json", "429", None, "rate-limit"),
        ("summary-operational.json", "401", None, "credentials"),
        ("summary-operational.json", "403", None, "credentials"),
        ("summary-operational.json", "413", None, "bad-request"),
        ("summary-minor-incident.json", "503", "30", "known-incident"),
        ("summary-minor-incident.json", None, None, "known-incident"),
        ("summary-minor-incident.json", "429", None, "rate-limit"),
        ("summary-maintenance.json", "503", None, "maintenance"),
    ],
)
def test_code_and_since_give_the_contracts_advice_kind(
    statuspage: FakeStatuspage,
    tmp_path: Path,
    fixture: str,
    code: str | None,
    since: str | None,
    kind: str,
) -> None:
    statuspage.set_summary(fixture)
    args = ["status", "--json"]
    args += ["--code", code] if code else []
    args += ["--since", since] if since else []
    done = run(args, bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    advice = json.loads(done.stdout)["advice"]
    assert advice["kind"] == kind
    assert advice["code"] == code if code != "overloaded" else advice["code"] == "overloaded"
    assert advice["since_minutes"] == (int(since) if since else None)
    assert 1 <= len(advice["steps"]) <= 4


def test_text_output_leads_with_the_verdict(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    done = run(["status", "--code", "503"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("DEGRADED: Partially Degraded Service")
    assert any("Elevated errors on Claude Opus 4.6" in line for line in lines)
    assert any(line.startswith("Not your setup") for line in lines)


def test_a_bad_code_is_a_usage_error(statuspage: FakeStatuspage, tmp_path: Path) -> None:
    done = run(["status", "--code", "banana"], bot_env(STATUS_PAGE_URL=statuspage.url), tmp_path)
    assert done.returncode == 64
    assert "--code" in done.stderr


def test_config_redacts_every_secret(tmp_path: Path) -> None:
    secret_file = tmp_path / "discord-token"
    secret_file.write_text("discord-secret-value-123\n")
    env = bot_env(
        SLACK_BOT_TOKEN="xoxb-very-secret-token",
        SLACK_SIGNING_SECRET="signing-secret-value",
        DISCORD_BOT_TOKEN_FILE=str(secret_file),
        ALERT_CHANNELS="slack:C123,discord-webhook:https://discord.com/api/webhooks/1/webhook-secret",
        DATABASE_URL="postgresql+asyncpg://bot:db-password-value@db/bot",
    )
    done = run(["config"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    for secret in (
        "xoxb-very-secret-token",
        "signing-secret-value",
        "discord-secret-value-123",
        "webhook-secret",
        "db-password-value",
    ):
        assert secret not in done.stdout + done.stderr
    assert shown["SLACK_BOT_TOKEN"] == "<set, redacted>"
    assert shown["ALERT_CHANNELS"] == ["slack:C123", "discord-webhook:<redacted>"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("POLL_INTERVAL_SECONDS", "0"),
        ("PORT", "http"),
        ("DATABASE_URL", "mysql://x/y"),
        ("ALERT_CHANNELS", "irc:#ops"),
    ],
)
def test_a_bad_configuration_names_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    for command in (["config"], ["status"]):
        done = run(command, bot_env(**{variable: value}), tmp_path)
        assert done.returncode == 78
        assert variable in done.stderr
