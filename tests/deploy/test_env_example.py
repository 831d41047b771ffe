"""deploy/.env.example (and the Kubernetes ConfigMap and Secret) name every variable the bot
reads, each with a comment; secrets are blank. Read from ``bot/settings.py``'s parser, so a
new variable there fails here until the examples have it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot import settings
from bot.cli import client
from tests.deploy.tools import DEPLOY, KUBERNETES, REPO, yaml_module

EXAMPLE = DEPLOY / ".env.example"
ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
# Every way _parse() reads a variable: text("NAME", ...), secret("NAME"), number(...),
# integer(...), choice(...), _http_url("NAME", ...) and env.get("NAME", ...).
READ = re.compile(
    r"""\b(?:text|secret|number|integer|choice|_http_url|env\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# Read by Docker Compose from .env, not by the bot.
COMPOSE_ONLY = {"COMPOSE_PROFILES", "POSTGRES_PASSWORD", "PUBLISH_PORT"}


def parsed_variables() -> set[str]:
    source = Path(settings.__file__).read_text(encoding="utf-8")
    names = set(READ.findall(source))
    assert {"STATUS_PAGE_URL", "DATABASE_URL", "SLACK_BOT_TOKEN"} <= names, "regex went stale"
    return names


def client_variables() -> set[str]:
    """What a developer's machine reads (``hook``, ``report``, ``statusline``): in the example
    for the team, but never in the bot's Kubernetes configuration."""
    names = set(READ.findall(Path(client.__file__).read_text(encoding="utf-8")))
    assert {"IS_CLAUDE_DOWN_URL", "REPORTER"} <= names, "regex went stale"
    secret_files = {name for name in names if name.endswith("_FILE")}  # the header explains
    return names - secret_files - parsed_variables()


def contract_variables() -> set[str]:
    """The configuration table of shared/INTERFACE.md, when the contract lies beside the repo."""
    for contract in (REPO.parent / "shared" / "INTERFACE.md", REPO / "shared" / "INTERFACE.md"):
        if contract.is_file():
            text = contract.read_text(encoding="utf-8")
            section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
            rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
            # The variable column and the meaning column (which names PROBE_INTERVAL_SECONDS
            # and ANTHROPIC_API_KEY); the default column holds values such as `INFO`.
            cells = [cell for row in rows for cell in (row[1], row[3])]
            return {name for cell in cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    pytest.skip("shared/INTERFACE.md is not beside the repository; settings.py is checked")


def example_assignments() -> dict[str, tuple[bool, str, int]]:
    """NAME -> (commented out, value, line index)."""
    found: dict[str, tuple[bool, str, int]] = {}
    for index, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines()):
        match = ASSIGNMENT.match(line)
        if match:
            found.setdefault(match.group(2), (bool(match.group(1)), match.group(3), index))
    return found


def test_example_names_every_variable_the_parser_reads() -> None:
    assert parsed_variables() - set(example_assignments()) == set()


def test_example_names_every_variable_of_the_contract() -> None:
    assert contract_variables() - set(example_assignments()) == set()


def test_example_names_every_variable_of_a_developers_machine() -> None:
    assert client_variables() - set(example_assignments()) == set()


def test_example_names_nothing_the_bot_does_not_read() -> None:
    unread = set(example_assignments()) - parsed_variables() - COMPOSE_ONLY - client_variables()
    assert unread == set()


def test_every_variable_has_a_comment_with_its_default() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for name, (_, _, index) in example_assignments().items():
        above: list[str] = []
        for line in reversed(lines[:index]):
            if not line.startswith("# ") or ASSIGNMENT.match(line):
                break
            above.append(line)
        assert above, f"{name} has no comment saying what it means"
        if name not in COMPOSE_ONLY - {"PUBLISH_PORT"}:
            assert "Default:" in " ".join(above), f"{name}'s comment does not give its default"


def test_secrets_are_blank() -> None:
    found = example_assignments()
    for name in (*settings.SECRET_NAMES, "ALERT_CHANNELS", "POSTGRES_PASSWORD"):
        commented, value, _ = found[name]
        assert (commented, value) == (False, ""), f"{name} must be present and blank"


def test_the_example_as_it_is_is_a_valid_configuration(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = settings.load(environ={}, env_file=env_file)
    assert loaded.slack_bot_token is None
    assert loaded.status_page_url == settings.Settings.status_page_url


def kubernetes_config() -> tuple[dict[str, Any], dict[str, Any]]:
    yaml = yaml_module()
    configmap = yaml.safe_load((KUBERNETES / "configmap.yaml").read_text(encoding="utf-8"))
    secret = yaml.safe_load((KUBERNETES / "secret.example.yaml").read_text(encoding="utf-8"))
    return configmap["data"], secret["stringData"]


def test_configmap_and_secret_together_name_every_variable() -> None:
    data, string_data = kubernetes_config()
    assert parsed_variables() - set(data) - set(string_data) == set()
    assert (set(data) | set(string_data)) - parsed_variables() == set(), "keys the bot never reads"


def test_secrets_live_in_the_secret_blank_and_never_in_the_configmap() -> None:
    data, string_data = kubernetes_config()
    for name in settings.SECRET_NAMES:
        assert name not in data
        assert string_data[name] == ""
    assert all(value == "" for value in string_data.values()), "an example holds no real value"
    assert "ALERT_CHANNELS" not in data  # it may hold discord-webhook URLs
