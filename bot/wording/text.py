"""Untrusted text made plain before it is shown, and the small shapes every sentence shares.

Text from the feed, a community post or a user goes in raw and comes out without line-break
tricks, invisible or control characters; it escapes nothing: each renderer escapes for its own
markup after this.
"""

from __future__ import annotations

import re
from typing import Final

# Characters that change how text is shown without being seen: the soft hyphen, bidirectional
# marks, embeddings, overrides and isolates (they can make "exe.txt" read "txt.exe"), the
# zero-width space, word joiner and invisible operators used to dodge filters ("ev\u200beryone"),
# the byte-order mark, interlinear annotations and the tag characters that smuggle hidden
# text. The zero-width joiner and non-joiner stay: emoji sequences (👩\u200d💻) and some scripts
# (Persian, the Indic ones) need them, and neither can form markup.
_INVISIBLE: Final = (
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_CONTROL: Final = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 controls but tab and the line breaks, DEL, and the C1 controls (``\\x9b`` starts a
terminal escape sequence as surely as ``\\x1b[``)."""

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]|<br\s*/?>", re.IGNORECASE)
_HIDDEN = re.compile(f"[{_INVISIBLE}{_CONTROL}]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean(text: str) -> str:
    """Untrusted text (the feed's, a community post's, a user's) made plain: every line break
    (``\\r\\n``, ``\\u2028``, ``<br />`` ...) a ``\\n``, tabs as spaces, no invisible, reordering
    or control characters, and at most one blank line in a row. It escapes nothing: each
    renderer escapes for its own markup after this."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _BLANK_RUNS.sub("\n\n", _HIDDEN.sub("", text))


def one_line(text: str) -> str:
    """``clean`` text on one line, runs of white space as one space: for a name or a status
    shown inside our own sentence, where a newline could fake a line of ours."""
    return " ".join(clean(text).split())


def capitalised(text: str) -> str:
    """The first letter upper-cased, the rest as it is: a label that starts a line or a field."""
    return text[:1].upper() + text[1:]


def and_more(count: int) -> str:
    """The line that stands for what a list left out."""
    return f"… and {count} more"


TITLE_SHOWN: Final = 120
"""The most of a community post's title that is ever shown."""


def short_title(text: str, limit: int = TITLE_SHOWN) -> str:
    """An untrusted title (a community post's) as ``one_line`` text of at most ``limit``
    characters: a 5,000-character title cannot fill a message."""
    line = one_line(text)
    if len(line) <= limit:
        return line or "(no title)"
    return line[: limit - 1].rstrip() + "…"
