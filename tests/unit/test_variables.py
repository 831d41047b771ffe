"""bot.variables: the table users see matches what the parser reads, and a misspelt name is
matched to ours without taking other programs' names for ours."""

from __future__ import annotations

import pytest

from bot.variables import NAMES, SECRET_NAMES, known_names, lookalikes
from tests.deploy.test_env_example import parsed_variables


def test_the_table_names_exactly_what_the_parser_reads() -> None:
    assert parsed_variables() == set(NAMES)


def test_every_secret_has_its_file_form() -> None:
    assert {f"{name}_FILE" for name in SECRET_NAMES} <= known_names()
    assert "DISCORD_BOT_TOKEN" in SECRET_NAMES
    assert "DATABASE_URL" not in SECRET_NAMES


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("STATUSPAGE_URL", "STATUS_PAGE_URL"),
        ("STATUS_URL", "STATUS_PAGE_URL"),
        ("SLACK_TOKEN", "SLACK_BOT_TOKEN"),
        ("DISCORD_TOKEN", "DISCORD_BOT_TOKEN"),
        ("LOGLEVEL", "LOG_LEVEL"),
        ("DATABASE_URI", "DATABASE_URL"),
        ("POLL_INTERVAL", "POLL_INTERVAL_SECONDS"),
        ("SLACK_SIGNING_KEY", "SLACK_SIGNING_SECRET"),
        ("DISCORD_BOT_TOKEN_FIEL", "DISCORD_BOT_TOKEN_FILE"),
    ],
)
def test_a_near_miss_is_matched_to_the_name_it_meant(written: str, meant: str) -> None:
    assert lookalikes([written]) == {written: meant}


@pytest.mark.parametrize(
    "other",
    [
        "PATH",
        "HOME",
        "HOSTNAME",
        "PYTHONPATH",
        "TEST_POSTGRES_URL",
        "TEST_DATABASE_URL",  # builds on ours on purpose
        "POSTGRES_PASSWORD",
        "PUBLISH_PORT",
        "COMPOSE_PROFILES",
        "HTTPS_PROXY",
        "VIRTUAL_ENV",
        "status_page_url",  # not how anyone spells an environment variable
        "STATUS_PAGE_URL",  # ours
        "SLACK_BOT_TOKEN_FILE",  # ours too
        "IS_CLAUDE_DOWN_URL",  # the client commands'
        "REPORT_TOKEN_FILE",
    ],
)
def test_other_programs_names_and_ours_are_not_flagged(other: str) -> None:
    assert lookalikes([other]) == {}
