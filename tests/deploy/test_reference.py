"""docs/reference.md and the README stand alone and stay true: every command of the parser,
every variable the settings read, every route the server serves and every exit code is
documented; no document points outside the repository; the Slack manifest's usage hint names
every chat word; the licence and the changelog the docs name exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from adapters.slack.adapter import EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH
from bot.ask.grammar import HELP_WORDS
from bot.cli.usage import parser
from bot.variables import NAMES
from tests.deploy.test_env_example import parsed_variables
from tests.deploy.tools import DEPLOY, REPO

REFERENCE = REPO / "docs" / "reference.md"
README = REPO / "README.md"
OUTSIDE = re.compile(r"shared/|INTERFACE\.md|ARCHITECTURE\.md|/work/")
NOT_OURS_BUT_READ = {
    "NO_COLOR",  # a convention of terminals, read by the terminal output
    # a developer's machine: read by the client commands (bot/cli/client.py), not the bot
    "IS_CLAUDE_DOWN_URL",
    "REPORTER",
    "STATUSLINE_CACHE_SECONDS",
}


def documents() -> list[str]:
    skipped = {".venv", "node_modules", ".git", ".pytest_cache"}
    return [
        str(path.relative_to(REPO))
        for path in REPO.rglob("*.md")
        if not skipped & set(path.relative_to(REPO).parts) and "egg-info" not in str(path)
    ]


def table_names(text: str) -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, re.MULTILINE))


def routes() -> set[str]:
    source = (REPO / "bot" / "web.py").read_text(encoding="utf-8")
    served = set(re.findall(r"router\.add_\w+\(\"([^\"]+)\"", source))
    assert {"/healthz", "/api/status"} <= served, "regex went stale"
    return served | {EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH}


@pytest.mark.parametrize("document", documents())
def test_no_document_refers_to_a_file_outside_the_repository(document: str) -> None:
    text = (REPO / document).read_text(encoding="utf-8")
    assert not OUTSIDE.findall(text), f"{document} points outside the repository"


def test_the_reference_names_every_command() -> None:
    _, commands = parser()
    text = REFERENCE.read_text(encoding="utf-8")
    for command in commands:
        assert f"`is-claude-down {command}" in text, command


def test_the_reference_names_every_variable_and_no_other() -> None:
    documented = table_names(REFERENCE.read_text(encoding="utf-8"))
    assert parsed_variables() == set(NAMES)
    assert set(NAMES) - documented == set()
    assert documented - set(NAMES) == NOT_OURS_BUT_READ


def test_the_readme_configuration_table_names_every_variable() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    assert set(NAMES) - documented == set()


@pytest.mark.parametrize("document", [REFERENCE, README])
def test_every_route_is_documented(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    for route in routes():
        assert f" {route}`" in text, f"{route} is not in {document}"


def test_the_reference_explains_every_exit_code() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for code in (0, 1, 2, 3, 64, 78):
        assert f"\n| {code} | " in text, code
    assert "pip install 'is-claude-down[postgres]'" in text


def test_the_slack_usage_hint_names_every_chat_word() -> None:
    manifest = (DEPLOY / "slack" / "manifest.yml").read_text(encoding="utf-8")
    hint = re.search(r'usage_hint: "\[(.*)\]"', manifest)
    assert hint is not None
    shown = {part.strip().split(" ")[0] for part in hint.group(1).split("|")}
    words = {words.split(" ")[0] for words, _ in HELP_WORDS if words[0].isalpha()}
    assert words - shown == set()


def test_the_licence_is_the_packages_and_the_changelog_is_where_the_docs_say() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (REPO / "CHANGELOG.md").is_file()
    assert "../CHANGELOG.md" in (REPO / "docs" / "upgrading.md").read_text(encoding="utf-8")


def test_the_readme_says_where_the_program_is_installed() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "`.venv/bin/is-claude-down`" in readme
    assert "source .venv/bin/activate" in readme
