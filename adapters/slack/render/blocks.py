"""Block Kit pieces, built to Slack's limits so a message is never refused for its size. Pure.

Every text handed to these is already escaped mrkdwn (see ``mrkdwn``); these only cut to the
limit of the place it goes and mark the text ``verbatim`` so Slack does not auto-link or
auto-mention anything in it.
"""

from __future__ import annotations

from typing import Any, Final

from adapters.slack.render.mrkdwn import ELLIPSIS, units

SECTION_MAX: Final = 3000
CONTEXT_MAX: Final = 2000
CONTEXT_ELEMENTS_MAX: Final = 10
BLOCKS_MAX: Final = 50
FALLBACK_MAX: Final = 3000
BUTTON_TEXT_MAX: Final = 75
BUTTON_VALUE_MAX: Final = 2000

Block = dict[str, Any]


def text(mrkdwn: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(mrkdwn, limit) or " ", "verbatim": True}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": text(mrkdwn)}


def context(*parts: str) -> Block:
    shown = [p for p in parts if p][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": [text(p, CONTEXT_MAX) for p in shown]}


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, value: str) -> Block:
    """An actions block with one button; ``label`` is our own words, ``value`` is opaque."""
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": label[:BUTTON_TEXT_MAX], "emoji": True},
                "value": value[:BUTTON_VALUE_MAX],
            }
        ],
    }


def sections(lines: list[str], heading: str = "") -> list[Block]:
    """Lines packed into as few sections as fit, never splitting a line between two."""
    out: list[Block] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and units(candidate) > SECTION_MAX:
            out.append(section(current))
            current = line
        else:
            current = candidate
    if current:
        out.append(section(current))
    return out


def capped(blocks: list[Block], note: str) -> list[Block]:
    """At most 50 blocks; when cut, the last one says so (``note`` is escaped mrkdwn)."""
    if len(blocks) <= BLOCKS_MAX:
        return blocks
    return [*blocks[: BLOCKS_MAX - 1], context(note)]


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
