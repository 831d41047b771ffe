"""Slack mrkdwn: the escaping every piece of Slack text goes through, links, dates, mentions. Pure.

Slack parses ``<...>`` as mentions (``<!channel>``, ``<@U1>``, ``<!subteam^S1>``) and links
(``<url|label>``), and decodes ``&amp;``, ``&lt;``, ``&gt;``. Escaping those three characters
in every piece of feed or user text is what keeps that text from pinging anyone or forging a
link; the text objects we build are also ``verbatim`` so Slack does not auto-parse it.

Untrusted text is first made plain by ``bot.wording.text.clean`` (the one list of invisible and
control characters), then escaped here, and cut to its limit as Slack counts it (``limits``)
before escaping, so an entity is never split.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from adapters.slack.render.limits import ELLIPSIS, URL_MAX, units
from bot.wording.labels import status_label
from bot.wording.text import clean, one_line

# Markers that open or close mrkdwn styles inside our own markup; a lone one in a feed name
# would end our bold early or turn the rest of the line into code. Lookalikes keep it readable.
_MARKERS = str.maketrans({"*": "∗", "`": "ˋ", "~": "∼"})
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as entities: the text shows as typed and never forms markup."""
    return text.translate(_ENTITIES)


def body(text: str, limit: int) -> str:
    """Multi-line feed or user text, escaped, at most ``limit`` units after escaping."""
    return fit(clean(text).strip(), limit)


def inline(text: str, limit: int = 300) -> str:
    """One line of feed or user text to sit inside our own markup (a name, a status)."""
    return fit(one_line(text).translate(_MARKERS), limit)


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
    """A feed status or impact as words: ``partial_outage`` → ``partial outage``."""
    return inline(status_label(status), 80)


_BARE_URL = re.compile(r"https?://[^\s<>|\"]+")


def linked(text: str, limit: int = 1000) -> str:
    """Our own sentences (advice) with any http(s) URL in them made a link, the rest escaped.

    The sentences may carry feed text (an incident name, a shortlink), so every part is still
    escaped and every URL validated.
    """
    raw = one_line(text)
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
