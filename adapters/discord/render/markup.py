"""Discord markdown: escaping untrusted text, links, timestamps, and the message we send. Pure.

All escaping lives here. Text from the feed (names, update bodies, component names) and
from users is untrusted: ``escape`` makes it inert markdown that cannot mention anyone, hide
a link behind other words, or reorder what is shown; every message also goes out with no
allowed mentions (``delivery``, ``listeners``), so even a missed escape cannot ping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from discord.utils import escape_mentions

from adapters.discord.render.limits import cut
from bot.wording.labels import status_label
from bot.wording.text import capitalised, clean

_URL = re.compile(r"https?://[^\s<>\[\]()|*`\\\"']+")
_MARKDOWN = re.compile(r"([\\*_~|`\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#-])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
_CODE_SPAN = re.compile(r"`[^`\n]{1,200}`")
_SAFE_URL = re.compile(r"https?://[^\s<>\[\]()|*`\\\"']{1,2000}")


@dataclass(frozen=True)
class Message:
    """What to send: ``content`` and embeds as Discord's JSON. ``ephemeral`` only applies to
    an interaction response (only the user who asked sees it)."""

    content: str | None = None
    embeds: tuple[dict[str, Any], ...] = ()
    ephemeral: bool = False


def escape(text: str, *, keep_code: bool = False) -> str:
    """``text`` shown literally in Discord markdown.

    Every markdown character is backslash-escaped (Discord hides the backslash), except in
    bare URLs, which stay clickable; ``@everyone``, ``@here`` and ``@id`` get a zero-width
    space. ``discord.utils.escape_markdown`` alone is not enough: it escapes only the first
    of several masked links in a line, so ``[a](x) [Claude status](https://evil)`` would
    still show a disguised link. ``keep_code`` keeps our own `code spans` (the playbook's).
    """
    text = clean(text)
    if keep_code:
        parts = _split(text, _CODE_SPAN)
        return "".join(p if is_code else _escape_plain(p) for p, is_code in parts)
    return _escape_plain(text)


def _escape_plain(text: str) -> str:
    out = []
    for part, is_url in _split(text, _URL):
        if is_url:
            out.append(part)
            continue
        part = _MARKDOWN.sub(r"\\\1", part)
        part = _LINE_START.sub(r"\1\\\2", part)
        out.append(_NUMBERED.sub(r"\1\\.", part))
    return escape_mentions("".join(out))


def _split(text: str, pattern: re.Pattern[str]) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append((text[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    parts.append((text[last:], False))
    return [p for p in parts if p[0]]


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL Discord accepts as a link, else None: a
    ``javascript:`` or malformed link from the feed would get the whole message rejected."""
    if url and _SAFE_URL.fullmatch(url):
        return url
    return None


def masked_link(title: str, url: str, limit: int = 200) -> str:
    """``[title](url)`` with the title shown literally: no markup, no mention, and no URL of
    its own (a label that looks like an address could disguise where the link goes, so an
    address in it loses its scheme). Just the title when the URL is not a plain http(s) one."""
    shown = _URL.sub(lambda u: u.group(0).split("://", 1)[1], escape(title))
    target = safe_url(url)
    return f"[{cut(shown, limit)}]({target})" if target else cut(shown, limit)


def stamp(when: datetime, style: str = "R") -> str:
    """Discord's timestamp markup: every reader sees it in their own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


def label(words: str) -> str:
    """Our label of a feed value (``status_label``, ``impact_label``) as it starts a line or a
    field: ``Partial outage``, escaped."""
    return escape(capitalised(words))


def words(status: str) -> str:
    """A feed status or impact: ``partial_outage`` → ``Partial outage``."""
    return label(status_label(status))


def iso(when: datetime) -> str:
    """An embed's ``timestamp``."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()
