"""bot.settings: the contract's variables, their defaults, their errors, and no secret shown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.settings import AlertChannel, ConfigError, Secret, Settings, load
from bot.variables import NAMES

WEBHOOK = "https://discord.com/api/webhooks/1234567890/WEBHOOK-TOKEN-abcdef"
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-BOT-TOKEN-111",
    "SLACK_SIGNING_SECRET": "SIGNING-SECRET-222",
    "SLACK_APP_TOKEN": "xapp-APP-TOKEN-333",
    "SLACK_CLIENT_ID": "1234.5678",
    "SLACK_CLIENT_SECRET": "CLIENT-SECRET-444",
    "DISCORD_BOT_TOKEN": "DISCORD-TOKEN-555",
    "STATUSPAGE_WEBHOOK_TOKEN": "HOOK-TOKEN-666",
    "ANTHROPIC_API_KEY": "sk-ant-KEY-777",
    "PROBE": "key",
    "DATABASE_URL": "postgresql+asyncpg://bot:DB-PASSWORD-888@db.internal:5432/bot",
    "ALERT_CHANNELS": f"slack:C0123,discord-webhook:{WEBHOOK}",
}
SECRET_VALUES = [
    "xoxb-BOT-TOKEN-111",
    "SIGNING-SECRET-222",
    "xapp-APP-TOKEN-333",
    "CLIENT-SECRET-444",
    "DISCORD-TOKEN-555",
    "HOOK-TOKEN-666",
    "sk-ant-KEY-777",
    "DB-PASSWORD-888",
    "WEBHOOK-TOKEN-abcdef",
]


def _load(**env: str) -> Settings:
    return load(env, env_file=None)


def test_defaults() -> None:
    settings = _load()
    assert settings == Settings()
    assert settings.status_page_url == "https://status.claude.com"
    assert settings.poll_interval_seconds == 30
    assert settings.database_url == "sqlite+aiosqlite:///is-claude-down.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.components == ()
    assert settings.alert_channels == ()
    assert settings.slack_bot_token is None
    assert settings.slack_signing_secret is None
    assert settings.slack_app_token is None
    assert settings.slack_client_id is None
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.discord_bot_token is None
    assert settings.discord_api_url == "https://discord.com/api/v10"
    assert settings.statuspage_webhook_token is None
    assert (settings.log_level, settings.log_format) == ("INFO", "text")
    assert settings.early_warning_reports == 3
    assert settings.probe == "off"
    assert settings.probe_interval_seconds == 60
    assert settings.probe_url == "https://api.anthropic.com"
    assert settings.anthropic_api_key is None


@pytest.mark.parametrize(
    ("env", "attribute", "value"),
    [
        ({"STATUS_PAGE_URL": "https://status.example.com"}, "status_page_url", None),
        ({"STATUS_PAGE_URL": "http://127.0.0.1:8080"}, "status_page_url", None),
        ({"POLL_INTERVAL_SECONDS": "1"}, "poll_interval_seconds", 1.0),
        ({"POLL_INTERVAL_SECONDS": " 45 "}, "poll_interval_seconds", 45.0),
        ({"POLL_INTERVAL_SECONDS": "2.5"}, "poll_interval_seconds", 2.5),
        (
            {"DATABASE_URL": "sqlite:///data/bot.db"},
            "database_url",
            "sqlite+aiosqlite:///data/bot.db",
        ),
        ({"DATABASE_URL": "sqlite+aiosqlite:///x.db"}, "database_url", "sqlite+aiosqlite:///x.db"),
        (
            {"DATABASE_URL": "postgresql+asyncpg://u@h/db"},
            "database_url",
            "postgresql+asyncpg://u@h/db",
        ),
        (
            {"DATABASE_URL": "postgresql+psycopg://u@h/db"},
            "database_url",
            "postgresql+psycopg://u@h/db",
        ),
        ({"DATABASE_URL": "postgresql://u@h/db"}, "database_url", "postgresql+asyncpg://u@h/db"),
        ({"DATABASE_URL": "postgres://u@h/db"}, "database_url", "postgresql+asyncpg://u@h/db"),
        ({"HOST": "127.0.0.1"}, "host", "127.0.0.1"),
        ({"PORT": "8080"}, "port", 8080),
        ({"PORT": "0"}, "port", 0),
        ({"COMPONENTS": "Claude API, claude.ai ,,"}, "components", ("Claude API", "claude.ai")),
        ({"SLACK_API_URL": "https://gov.slack.com/api/"}, "slack_api_url", None),
        (
            {"DISCORD_API_URL": "http://127.0.0.1:9000/api/v10/"},
            "discord_api_url",
            "http://127.0.0.1:9000/api/v10",
        ),
        ({"LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({"LOG_LEVEL": "WARNING"}, "log_level", "WARNING"),
        ({"LOG_FORMAT": "JSON"}, "log_format", "json"),
        ({"EARLY_WARNING_REPORTS": "0"}, "early_warning_reports", 0),
        ({"EARLY_WARNING_REPORTS": "5"}, "early_warning_reports", 5),
        ({"PROBE": "keyless"}, "probe", "keyless"),
        ({"PROBE_INTERVAL_SECONDS": "120"}, "probe_interval_seconds", 120.0),
        ({"PROBE_URL": "http://127.0.0.1:7000"}, "probe_url", None),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"},
            "slack_client_id",
            "1.2",
        ),
    ],
)
def test_each_variable_is_parsed(env: dict[str, str], attribute: str, value: object) -> None:
    expected = next(iter(env.values())) if value is None else value
    assert getattr(load(env, env_file=None), attribute) == expected


def test_alert_channels_in_every_form() -> None:
    settings = _load(
        ALERT_CHANNELS=f" slack:C0123 , slack:T999/C0456, discord:112233, discord-webhook:{WEBHOOK}"
    )
    assert settings.alert_channels == (
        AlertChannel("slack", "C0123"),
        AlertChannel("slack", "C0456", "T999"),
        AlertChannel("discord", "112233"),
        AlertChannel("discord-webhook", WEBHOOK),
    )


def test_secrets_are_read_and_kept_as_secrets() -> None:
    settings = load(SECRETS, env_file=None)
    assert isinstance(settings.slack_bot_token, Secret)
    assert settings.slack_bot_token.reveal() == "xoxb-BOT-TOKEN-111"
    assert settings.slack_signing_secret == Secret("SIGNING-SECRET-222")
    assert settings.slack_app_token == Secret("xapp-APP-TOKEN-333")
    assert settings.slack_client_secret == Secret("CLIENT-SECRET-444")
    assert settings.discord_bot_token == Secret("DISCORD-TOKEN-555")
    assert settings.statuspage_webhook_token == Secret("HOOK-TOKEN-666")
    assert settings.anthropic_api_key == Secret("sk-ant-KEY-777")


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = _load(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1")
    assert settings.slack_signing_secret is None


def test_a_secret_may_be_given_as_a_file(tmp_path: Path) -> None:
    token = tmp_path / "slack_token"
    token.write_text("xoxb-FROM-FILE\n", encoding="utf-8")
    signing = tmp_path / "signing"
    signing.write_text("  signing-from-file  ", encoding="utf-8")
    settings = _load(SLACK_BOT_TOKEN_FILE=str(token), SLACK_SIGNING_SECRET_FILE=str(signing))
    assert settings.slack_bot_token == Secret("xoxb-FROM-FILE")
    assert settings.slack_signing_secret == Secret("signing-from-file")


def test_the_file_wins_over_the_plain_variable(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("sk-from-file", encoding="utf-8")
    settings = _load(ANTHROPIC_API_KEY="sk-plain", ANTHROPIC_API_KEY_FILE=str(key))
    assert settings.anthropic_api_key == Secret("sk-from-file")


def test_a_missing_secret_file_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(DISCORD_BOT_TOKEN_FILE=str(tmp_path / "absent"))
    assert caught.value.variable == "DISCORD_BOT_TOKEN_FILE"
    assert str(caught.value).startswith("DISCORD_BOT_TOKEN_FILE: cannot read")


def test_an_empty_secret_file_names_the_variable(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        _load(STATUSPAGE_WEBHOOK_TOKEN_FILE=str(empty))
    assert caught.value.variable == "STATUSPAGE_WEBHOOK_TOKEN_FILE"
    assert "is empty" in str(caught.value)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"POLL_INTERVAL_SECONDS": "0"}, "POLL_INTERVAL_SECONDS"),
        ({"POLL_INTERVAL_SECONDS": "0.5"}, "POLL_INTERVAL_SECONDS"),
        ({"POLL_INTERVAL_SECONDS": "-30"}, "POLL_INTERVAL_SECONDS"),
        ({"POLL_INTERVAL_SECONDS": "soon"}, "POLL_INTERVAL_SECONDS"),
        ({"POLL_INTERVAL_SECONDS": "nan"}, "POLL_INTERVAL_SECONDS"),
        ({"POLL_INTERVAL_SECONDS": "inf"}, "POLL_INTERVAL_SECONDS"),
        ({"PROBE_INTERVAL_SECONDS": "0"}, "PROBE_INTERVAL_SECONDS"),
        ({"PORT": "x"}, "PORT"),
        ({"PORT": "3000.5"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"PORT": "-1"}, "PORT"),
        ({"DATABASE_URL": "mysql://user@localhost/bot"}, "DATABASE_URL"),
        ({"DATABASE_URL": "bot.db"}, "DATABASE_URL"),
        ({"STATUS_PAGE_URL": "status.claude.com"}, "STATUS_PAGE_URL"),
        ({"STATUS_PAGE_URL": "ftp://status.claude.com"}, "STATUS_PAGE_URL"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"DISCORD_API_URL": "discord"}, "DISCORD_API_URL"),
        ({"PROBE_URL": "api.anthropic.com"}, "PROBE_URL"),
        ({"ALERT_CHANNELS": "bogus"}, "ALERT_CHANNELS"),
        ({"ALERT_CHANNELS": "slack:"}, "ALERT_CHANNELS"),
        ({"ALERT_CHANNELS": "teams:C123"}, "ALERT_CHANNELS"),
        ({"ALERT_CHANNELS": "discord:general"}, "ALERT_CHANNELS"),
        ({"ALERT_CHANNELS": "discord-webhook:not-a-url"}, "ALERT_CHANNELS"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        ({"PROBE": "sometimes"}, "PROBE"),
        ({"PROBE": "key"}, "ANTHROPIC_API_KEY"),
        ({"EARLY_WARNING_REPORTS": "-1"}, "EARLY_WARNING_REPORTS"),
        ({"EARLY_WARNING_REPORTS": "many"}, "EARLY_WARNING_REPORTS"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "x"}, "SLACK_CLIENT_SECRET"),
        (
            {"SLACK_APP_TOKEN": "xoxb-not-an-app-token", "SLACK_BOT_TOKEN": "xoxb-1"},
            "SLACK_APP_TOKEN",
        ),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_a_bad_value_raises_config_error_naming_the_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(env, env_file=None)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")


def test_a_wrong_database_url_does_not_echo_its_password() -> None:
    with pytest.raises(ConfigError) as caught:
        _load(DATABASE_URL="mysql://bot:DB-PASSWORD-888@localhost/bot")
    assert "DB-PASSWORD-888" not in str(caught.value)
    assert "mysql://bot:<redacted>@localhost/bot" in str(caught.value)


@pytest.mark.parametrize(
    "entry",
    [
        f"discord:{WEBHOOK}",  # forgot "-webhook"
        f"discordwebhook:{WEBHOOK}",  # a typo in the platform
        f"webhook:{WEBHOOK}",
        f"slack-webhook:{WEBHOOK}",
    ],
)
def test_a_mistyped_webhook_entry_is_refused_without_echoing_the_webhook_url(entry: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(ALERT_CHANNELS=f"slack:C1,{entry}")
    assert caught.value.variable == "ALERT_CHANNELS"
    assert "WEBHOOK-TOKEN" not in str(caught.value)
    assert "webhooks/1234567890" not in str(caught.value)


def test_redacted_never_contains_a_secret_value() -> None:
    settings = load(SECRETS, env_file=None)
    text = json.dumps(settings.redacted())
    for value in SECRET_VALUES:
        assert value not in text
    shown = settings.redacted()
    assert shown["SLACK_BOT_TOKEN"] == "<set, redacted>"
    assert shown["ANTHROPIC_API_KEY"] == "<set, redacted>"
    assert shown["DISCORD_BOT_TOKEN"] == "<set, redacted>"
    assert shown["SLACK_CLIENT_ID"] == "1234.5678"  # not a secret
    assert shown["ALERT_CHANNELS"] == ["slack:C0123", "discord-webhook:<redacted>"]
    assert shown["DATABASE_URL"] == "postgresql+asyncpg://bot:<redacted>@db.internal:5432/bot"


def test_redacted_shows_every_contract_variable() -> None:
    shown = _load().redacted()
    for name in (
        "STATUS_PAGE_URL",
        "POLL_INTERVAL_SECONDS",
        "DATABASE_URL",
        "HOST",
        "PORT",
        "COMPONENTS",
        "ALERT_CHANNELS",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_API_URL",
        "DISCORD_BOT_TOKEN",
        "DISCORD_API_URL",
        "STATUSPAGE_WEBHOOK_TOKEN",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "EARLY_WARNING_REPORTS",
        "PROBE",
        "PROBE_INTERVAL_SECONDS",
        "PROBE_URL",
    ):
        assert name in shown
    assert shown["SLACK_BOT_TOKEN"] is None  # unset is shown as unset
    json.dumps(shown)  # serializable as is


def test_a_password_in_the_database_url_query_is_redacted() -> None:
    settings = _load(DATABASE_URL="postgresql+asyncpg://bot@db/bot?password=DB-PASSWORD-888&ssl=1")
    text = json.dumps(settings.redacted())
    assert "DB-PASSWORD-888" not in text
    assert "ssl=1" in text


def test_credentials_in_other_urls_are_redacted() -> None:
    settings = _load(
        SLACK_API_URL="https://proxy:PROXY-PASSWORD-999@proxy.internal/api/",
        PROBE_URL="https://probe:PROBE-PASSWORD-000@api.internal",
    )
    text = json.dumps(settings.redacted())
    assert "PROXY-PASSWORD-999" not in text
    assert "PROBE-PASSWORD-000" not in text
    assert "proxy.internal/api/" in text


def test_repr_and_str_of_settings_show_no_secret() -> None:
    settings = load(SECRETS, env_file=None)
    for text in (repr(settings), str(settings), f"{settings}", repr(settings.alert_channels)):
        for value in SECRET_VALUES:
            assert value not in text


def test_a_secret_never_shows_itself() -> None:
    secret = Secret("hunter2")
    assert str(secret) == "**********"
    assert repr(secret) == "Secret('**********')"
    assert f"{secret}" == "**********"
    assert "hunter2" not in repr([secret, {"k": secret}])
    assert secret.reveal() == "hunter2"


def test_the_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "POLL_INTERVAL_SECONDS=5\nPORT=4000\n# a comment\nCOMPONENTS='Claude API'\n",
        encoding="utf-8",
    )
    settings = load({}, env_file=env_file)
    assert (settings.poll_interval_seconds, settings.port) == (5.0, 4000)
    assert settings.components == ("Claude API",)


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nLOG_FORMAT=json\n", encoding="utf-8")
    settings = load({"PORT": "5000"}, env_file=env_file)
    assert settings.port == 5000
    assert settings.log_format == "json"


def test_the_env_file_in_the_working_directory_is_read_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("PORT=4321\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load({}).port == 4321


def test_a_bad_value_in_the_env_file_is_reported_too(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_FORMAT=xml\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load({}, env_file=env_file)
    assert caught.value.variable == "LOG_FORMAT"


def test_no_env_file_is_fine(tmp_path: Path) -> None:
    assert load({}, env_file=tmp_path / "absent.env") == Settings()


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "6543")
    assert load(None, env_file=None).port == 6543


def test_extra_plugin_variables_are_kept_but_not_shown() -> None:
    settings = _load(IS_CLAUDE_DOWN_PLUGIN_TOKEN="PLUGIN-SECRET")
    assert settings.extra == {"IS_CLAUDE_DOWN_PLUGIN_TOKEN": "PLUGIN-SECRET"}
    assert "PLUGIN-SECRET" not in json.dumps(settings.redacted())


def test_redacted_shows_exactly_the_settable_variables_and_sqlite_as_written() -> None:
    shown = _load(DATABASE_URL="sqlite:///data/bot.db").redacted()
    assert set(shown) == set(NAMES)  # nothing that cannot be set, such as a constant
    assert shown["DATABASE_URL"] == "sqlite:///data/bot.db"


def test_a_postgresql_url_without_its_driver_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(ConfigError) as caught:
        _load(DATABASE_URL="postgresql+psycopg://bot@db/bot")
    assert caught.value.variable == "DATABASE_URL"
    assert str(caught.value) == (
        "DATABASE_URL: PostgreSQL needs the psycopg driver, which is not installed: "
        "pip install 'is-claude-down[postgres]'"
    )


def test_names_that_look_like_ours_are_kept_to_be_warned_about() -> None:
    settings = _load(STATUSPAGE_URL="https://status.example.com", PATH="/usr/bin")
    assert settings.lookalikes == {"STATUSPAGE_URL": "STATUS_PAGE_URL"}
    assert settings.status_page_url == "https://status.claude.com"
    assert "STATUSPAGE_URL" not in settings.redacted()
