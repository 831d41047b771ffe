"""Block Kit pieces, built to Slack's limits so a message is never refused for its size. Pure.

Every text handed to these is already escaped mrkdwn (see ``markup``); these only cut it to
the limit of the place it goes (``limits``) and mark it ``verbatim`` so Slack does not
auto-link or auto-mention anything in it.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.render import limits
from adapters.slack.render.limits import Block

__all__ = ["Block", "button", "capped", "context", "divider", "section", "sections", "text"]


def text(mrkdwn: str, limit: int = limits.SECTION_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": limits.cut(mrkdwn, limit) or " ", "verbatim": True}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": text(mrkdwn)}


def context(*parts: str) -> Block:
    shown = [p for p in parts if p][: limits.CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": [text(p, limits.CONTEXT_MAX) for p in shown]}


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
                "text": {
                    "type": "plain_text",
                    "text": label[: limits.BUTTON_TEXT_MAX],
                    "emoji": True,
                },
                "value": value[: limits.BUTTON_VALUE_MAX],
            }
        ],
    }


def sections(lines: list[str], heading: str = "") -> list[Block]:
    """Lines packed into as few sections as fit, never splitting a line between two."""
    out: list[Block] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and limits.units(candidate) > limits.SECTION_MAX:
            out.append(section(current))
            current = line
        else:
            current = candidate
    if current:
        out.append(section(current))
    return out


def capped(blocks: list[Block], note: str) -> list[Block]:
    """At most 50 blocks; when cut, the last one says so (``note`` is escaped mrkdwn)."""
    if len(blocks) <= limits.BLOCKS_MAX:
        return blocks
    return [*blocks[: limits.BLOCKS_MAX - 1], context(note)]
