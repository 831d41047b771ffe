"""Discord's size limits, and cutting a message down to them. Pure.

Discord rejects a whole message (400, code 50035) when any one part is too long, so
everything we send passes through ``fit`` first: long text is cut cleanly with "…" and
never rejected. Discord counts characters as Unicode code points (its API is Python), which
is what ``len`` counts.
"""

from __future__ import annotations

from typing import Any, Final

ELLIPSIS: Final = "…"
CONTENT: Final = 2000
EMBEDS: Final = 10
TITLE: Final = 256
DESCRIPTION: Final = 4096
FIELDS: Final = 25
FIELD_NAME: Final = 256
FIELD_VALUE: Final = 1024
FOOTER: Final = 2048
AUTHOR: Final = 256
TOTAL: Final = 6000
"""The sum of titles, descriptions, field names and values, footers and authors of all the
embeds of one message."""

_SHORTEST: Final = 40
"""``fit`` shrinks no text below this while others are longer: it drops fields instead."""

Embed = dict[str, Any]


def cut(text: str, limit: int) -> str:
    """``text`` when it fits, else its start and "…", ``limit`` characters at most.

    The cut never leaves a lone escaping backslash at the end (it would escape the "…"),
    prefers a word boundary near the end, and drops trailing whitespace.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= len(head) * 0.8:
        head = head[:space]
    head = head.rstrip()
    trailing = len(head) - len(head.rstrip("\\"))
    if trailing % 2:
        head = head[:-1]
    return head + ELLIPSIS


def fit(embeds: list[Embed]) -> list[Embed]:
    """Each part cut to its own limit, at most 10 embeds and 25 fields each, and the total
    within 6000 characters: the longest texts are shortened first, then fields dropped."""
    fitted = [_fit_one(embed) for embed in embeds[:EMBEDS]]
    while (excess := sum(_size(e) for e in fitted) - TOTAL) > 0:
        slot = _longest(fitted)
        if slot is not None:
            embed, path = slot
            text = _get(embed, path)
            _set(embed, path, cut(text, max(_SHORTEST, len(text) - excess)))
            continue
        with_fields = [e for e in fitted if e.get("fields")]
        if with_fields:
            with_fields[-1]["fields"].pop()
        else:
            fitted.pop()
    return fitted


def _fit_one(embed: Embed) -> Embed:
    out = dict(embed)
    for key, limit in (("title", TITLE), ("description", DESCRIPTION)):
        if key in out:
            out[key] = cut(out[key], limit)
    if "footer" in out:
        out["footer"] = {**out["footer"], "text": cut(out["footer"]["text"], FOOTER)}
    if "author" in out:
        out["author"] = {**out["author"], "name": cut(out["author"]["name"], AUTHOR)}
    if "fields" in out:
        out["fields"] = [
            {
                **f,
                "name": cut(f["name"], FIELD_NAME) or "\u200b",
                "value": cut(f["value"], FIELD_VALUE) or "\u200b",
            }
            for f in out["fields"][:FIELDS]
        ]
    return out


def _paths(embed: Embed) -> list[tuple[str | int, ...]]:
    paths: list[tuple[str | int, ...]] = [("title",), ("description",)]
    paths += [("fields", i, "value") for i in range(len(embed.get("fields", ())))]
    paths += [("fields", i, "name") for i in range(len(embed.get("fields", ())))]
    paths += [("footer", "text"), ("author", "name")]
    return [p for p in paths if _has(embed, p)]


def _size(embed: Embed) -> int:
    return sum(len(_get(embed, p)) for p in _paths(embed))


def _longest(embeds: list[Embed]) -> tuple[Embed, tuple[str | int, ...]] | None:
    best: tuple[Embed, tuple[str | int, ...]] | None = None
    best_len = _SHORTEST
    for embed in embeds:
        for path in _paths(embed):
            length = len(_get(embed, path))
            if length > best_len:
                best, best_len = (embed, path), length
    return best


def _has(embed: Embed, path: tuple[str | int, ...]) -> bool:
    node: Any = embed
    for key in path:
        if isinstance(key, str) and (not isinstance(node, dict) or key not in node):
            return False
        node = node[key]
    return isinstance(node, str)


def _get(embed: Embed, path: tuple[str | int, ...]) -> str:
    node: Any = embed
    for key in path:
        node = node[key]
    return str(node)


def _set(embed: Embed, path: tuple[str | int, ...], value: str) -> None:
    node: Any = embed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
