"""deploy/docker-compose.yml: valid for Docker Compose, and one bot in either profile."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import DEPLOY, compose_command, yaml_module

COMPOSE = DEPLOY / "docker-compose.yml"
BOTS = {"bot", "bot-postgres"}


def compose_config(tmp_path: Path, *args: str) -> dict[str, Any]:
    """``docker compose config`` of a copy laid out as a user has it: the example as ``.env``."""
    project = tmp_path / "deploy"
    project.mkdir()
    shutil.copy(COMPOSE, project / "docker-compose.yml")
    shutil.copy(DEPLOY / ".env.example", project / ".env")
    # Only what Compose needs from the environment, so nothing of ours interpolates into it.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    command = [*compose_command(), "-f", str(project / "docker-compose.yml"), *args]
    done = subprocess.run(
        [*command, "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    config: dict[str, Any] = json.loads(done.stdout)
    return config


def test_default_runs_the_bot_alone_on_sqlite_in_a_named_volume(tmp_path: Path) -> None:
    config = compose_config(tmp_path)
    assert set(config["services"]) == {"bot"}
    bot = config["services"]["bot"]
    assert bot["environment"]["DATABASE_URL"] == "sqlite:////data/is-claude-down.db"
    mounts = {v["target"]: v for v in bot["volumes"]}
    assert mounts["/data"]["type"] == "volume"
    assert mounts["/data"]["source"] == "data"
    assert "data" in config["volumes"]
    # env_file was read: the example's variables reached the service.
    assert "SLACK_BOT_TOKEN" in bot["environment"]
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert Path(bot["build"]["context"]) == tmp_path  # the repository root, beside deploy/


def test_postgres_profile_runs_postgresql_and_the_bot_pointed_at_it(tmp_path: Path) -> None:
    config = compose_config(tmp_path, "--profile", "postgres")
    assert set(config["services"]) == {"postgres", "bot-postgres"}
    bot = config["services"]["bot-postgres"]
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://is-claude-down:")
    assert url.endswith("@postgres:5432/is-claude-down")
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    postgres = config["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_DB"] == "is-claude-down"
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert any(v["target"] == "/var/lib/postgresql/data" for v in postgres["volumes"])


@pytest.fixture(scope="module")
def compose_file() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml_module().safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_the_two_bots_never_share_a_profile(compose_file: dict[str, Any]) -> None:
    """Two bots on two databases would post every notice twice."""
    services = compose_file["services"]
    assert set(services) >= BOTS
    for name in BOTS:
        assert services[name].get("profiles"), f"{name} must have a profile"
    assert not set(services["bot"]["profiles"]) & set(services["bot-postgres"]["profiles"])
    assert "postgres" in services["postgres"]["profiles"]


def test_bots_read_env_file_and_stop_gracefully(compose_file: dict[str, Any]) -> None:
    for name in BOTS:
        bot = compose_file["services"][name]
        assert bot["env_file"] == ".env"
        assert bot["stop_signal"] == "SIGTERM"
        assert bot["read_only"] is True
        assert bot["cap_drop"] == ["ALL"]
        grace = bot["stop_grace_period"]
        assert re.fullmatch(r"\d+s", grace), grace
        assert int(grace[:-1]) >= 20, grace


def test_compose_profiles_default_is_sqlite_in_the_example() -> None:
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    assert "COMPOSE_PROFILES=sqlite" in lines
