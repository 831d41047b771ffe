"""Slack's size limits, and cutting already-escaped text and block lists down to them. Pure.

Slack refuses a whole message when one part is too long, so every text goes through ``cut``
(or ``markup.fit``, which escapes and cuts) for the place it goes. Lengths are counted in
UTF-16 code units, what Slack checks its limits against (an emoji counts double), *after*
escaping.
"""

from __future__ import annotations

from typing import Any, Final

ELLIPSIS: Final = "…"
SECTION_MAX: Final = 3000
CONTEXT_MAX: Final = 2000
CONTEXT_ELEMENTS_MAX: Final = 10
BLOCKS_MAX: Final = 50
FALLBACK_MAX: Final = 3000
BUTTON_TEXT_MAX: Final = 75
BUTTON_VALUE_MAX: Final = 2000
URL_MAX: Final = 2000

Block = dict[str, Any]


def units(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def cut(mrkdwn: str, limit: int) -> str:
    """Cut already-escaped text at a line or space, never inside an entity or a link."""
    if units(mrkdwn) <= limit:
        return mrkdwn
    budget = limit - units(ELLIPSIS)
    kept = mrkdwn[:budget]
    while units(kept) > budget:
        kept = kept[:-1]
    for stop in ("\n", " "):
        at = kept.rfind(stop)
        if at > len(kept) // 2:
            kept = kept[:at]
            break
    # An entity or a <link|label> cut in half would show raw markup: drop the broken tail.
    amp, lt = kept.rfind("&"), kept.rfind("<")
    if amp > kept.rfind(";"):
        kept = kept[:amp]
    if lt > kept.rfind(">"):
        kept = kept[:lt]
    return kept.rstrip() + ELLIPSIS
