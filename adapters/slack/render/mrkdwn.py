"""The escaping and cutting every piece of Slack text goes through. Pure.

Slack parses ``<...>`` as mentions (``<!channel>``, ``<@U1>``, ``<!subteam^S1>``) and links
(``<url|label>``), and decodes ``&amp;``, ``&lt;``, ``&gt;``. Escaping those three characters
in every piece of feed or user text is what keeps that text from pinging anyone or forging a
link; the text objects we build are also ``verbatim`` so Slack does not auto-parse it.

Lengths are counted in UTF-16 code units (what Slack's limits are checked against, and an
emoji counts double) *after* escaping, and text is cut before escaping so an entity is never
split.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

ELLIPSIS: Final = "…"
URL_MAX: Final = 2000

# Invisible characters that can hide or reorder text: zero-width space, non-joiner, word joiner,
# BOM, and the bidirectional marks, embeddings, overrides and isolates. The zero-width *joiner*
# stays: emoji sequences (👩‍💻) need it and it cannot form markup.
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x85]")
_BLANK_LINES = re.compile("\n{3,}")
_SPACES = re.compile(r"\s+")
# Markers that open or close mrkdwn styles inside our own markup; a lone one in a feed name
# would end our bold early or turn the rest of the line into code. Lookalikes keep it readable.
_MARKERS = str.maketrans({"*": "∗", "`": "ˋ", "~": "∼"})
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def units(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as entities: the text shows as typed and never forms markup."""
    return text.translate(_ENTITIES)


def clean(text: str) -> str:
    """Newlines normalised, invisible and control characters dropped, blank runs collapsed."""
    text = _NEWLINES.sub("\n", text).replace("\t", " ")
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def body(text: str, limit: int) -> str:
    """Multi-line feed or user text, escaped, at most ``limit`` units after escaping."""
    return fit(clean(text), limit)


def inline(text: str, limit: int = 300) -> str:
    """One line of feed or user text to sit inside our own markup (a name, a status)."""
    return fit(_SPACES.sub(" ", clean(text)).translate(_MARKERS), limit)


def fit(raw: str, limit: int) -> str:
    """Escape ``raw`` and cut it to ``limit`` units, at a space when one is near the end."""
    escaped = escape(raw)
    if units(escaped) <= limit:
        return escaped
    budget = limit - units(ELLIPSIS)
    pieces: list[str] = []
    used = 0
    for char in raw[:limit]:  # escaping only lengthens, so ``limit`` raw chars always suffice
        piece = escape(char)
        size = units(piece)
        if used + size > budget:
            break
        pieces.append(piece)
        used += size
    kept = "".join(pieces)
    space = kept.rfind(" ", len(kept) * 4 // 5)
    if space > 0:
        kept = kept[:space]
    return kept.rstrip() + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """``url`` ready for ``<url|label>`` when it is a plain http(s) URL, else None.

    No user info (``https://status.claude.com@evil.example``), no spaces or characters that
    would end the link early.
    """
    if not url:
        return None
    url = url.strip()
    if len(url) > URL_MAX or any(c.isspace() or c in '<>|"' or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return url.replace("&", "&amp;")


def link(url: str | None, label: str, limit: int = 300) -> str:
    """A link we build from a feed URL, or just the label when the URL is not safe."""
    text = inline(label, limit) or "link"
    target = safe_url(url)
    return f"<{target}|{text}>" if target else text


def host(url: str) -> str:
    """The host of a URL for a short label (``status.claude.com``)."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def when(moment: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """A time each reader sees in their own time zone, with a UTC fallback for old clients."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    epoch = int(utc.timestamp())
    return f"<!date^{epoch}^{style}|{fallback}>"


def mention(user_id: str | None) -> str | None:
    """``<@U123>`` for a real Slack user id, never for anything else."""
    if user_id and _SLACK_ID.match(user_id):
        return f"<@{user_id}>"
    return None


def words(status: str) -> str:
    """A feed enum as words: ``partial_outage`` → ``partial outage``."""
    return inline(status.replace("_", " "), 80)


_BARE_URL = re.compile(r"https?://[^\s<>|\"]+")


def linked(text: str, limit: int = 1000) -> str:
    """Our own sentences (advice) with any http(s) URL in them made a link, the rest escaped.

    The sentences may carry feed text (an incident name, a shortlink), so every part is still
    escaped and every URL validated.
    """
    raw = _SPACES.sub(" ", clean(text))
    out: list[str] = []
    last = 0
    for found in _BARE_URL.finditer(raw):
        url = found.group(0).rstrip(".,;:!?)")
        out.append(escape(raw[last : found.start()]))
        out.append(link(url, url, 200))
        last = found.start() + len(url)
    out.append(escape(raw[last:]))
    joined = "".join(out)
    return joined if units(joined) <= limit else fit(raw, limit)
