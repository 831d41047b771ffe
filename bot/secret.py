"""Secrets and the URLs that may carry one: held so that no ``repr``, log line or ``config``
output can show them."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

HIDDEN: Final = "**********"


class Secret:
    """A string that never shows itself: ``str``, ``repr`` and f-strings say ``**********``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{HIDDEN}')"

    def __str__(self) -> str:
        return HIDDEN

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def redact_url_password(url: str) -> str:
    """The URL with the password of its login, and of its query (``?password=``), hidden."""
    parts = urlsplit(url)
    if parts.password:
        url = url.replace(f":{parts.password}@", ":<redacted>@", 1)
    if parts.query:
        base, _, query = url.partition("?")
        pairs = []
        for pair in query.split("&"):
            key, eq, _value = pair.partition("=")
            secret = eq and any(w in key.lower() for w in ("password", "secret", "token", "key"))
            pairs.append(f"{key}=<redacted>" if secret else pair)
        url = f"{base}?{'&'.join(pairs)}"
    return url
