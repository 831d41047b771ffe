"""Reading what the fake Slack received."""

from __future__ import annotations


def texts(message: object) -> str:
    """Every piece of text in a message payload, joined: all a reader could see."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "fallback") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message)
    return "\n".join(found)
