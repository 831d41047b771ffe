"""What a user reports seeing: an HTTP status or a word, and what class of problem it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

WORDS: Final[dict[str, tuple[str, int | None]]] = {
    # word -> (canonical label, HTTP code it stands for)
    "overloaded": ("overloaded", 529),
    "overload": ("overloaded", 529),
    "overloaded_error": ("overloaded", 529),
    "timeout": ("timeout", None),
    "timeouts": ("timeout", None),
    "timedout": ("timeout", None),
    "timed-out": ("timeout", None),
    "hanging": ("timeout", None),
    "ratelimit": ("rate-limit", 429),
    "rate-limit": ("rate-limit", 429),
    "rate-limited": ("rate-limit", 429),
    "ratelimited": ("rate-limit", 429),
    "throttled": ("rate-limit", 429),
    "unauthorized": ("unauthorized", 401),
    "unauthorised": ("unauthorized", 401),
    "forbidden": ("forbidden", 403),
    "api_error": ("api_error", 500),
}


class SymptomClass(StrEnum):
    RATE_LIMIT = "rate-limit"
    CREDENTIALS = "credentials"
    BAD_REQUEST = "bad-request"
    SERVER = "server"


@dataclass(frozen=True)
class Symptom:
    """``label`` is what we show and put in ``advice.code``: ``503``, ``529``, ``timeout``."""

    label: str
    code: int | None

    @property
    def kind(self) -> SymptomClass:
        if self.code == 429:
            return SymptomClass.RATE_LIMIT
        if self.code in (401, 403):
            return SymptomClass.CREDENTIALS
        if self.code is not None and 400 <= self.code < 500:
            return SymptomClass.BAD_REQUEST
        return SymptomClass.SERVER


class SymptomError(ValueError):
    """Not something we can advise on; the message says why in words a user understands."""


def parse_symptom(text: str) -> Symptom:
    """``"503"``, ``"HTTP 529"``, ``"overloaded"``, ``"timeout"`` -> Symptom."""
    word = text.strip().lower().removeprefix("http").strip().strip(".,;:!?")
    if len(word) == 4 and word.endswith("s") and word[:3].isdigit():
        word = word[:3]  # "getting 529s"
    # ASCII only: "²⁰³".isdigit() is true but int() refuses it, and "٥٠٣" is no one's label.
    if word.isascii() and word.isdigit() and len(word) == 3:
        code = int(word)
        if 400 <= code <= 599:
            return Symptom(word, code)
        raise SymptomError(f"{word} is not an error status (errors are 4xx and 5xx)")
    if word in WORDS:
        label, mapped = WORDS[word]
        return Symptom(str(mapped) if mapped in (401, 403, 429) else label, mapped)
    raise SymptomError(f"{text.strip()[:40]!r} is not a status code or a symptom I know")


def is_symptom(text: str) -> bool:
    try:
        parse_symptom(text)
    except SymptomError:
        return False
    return True
