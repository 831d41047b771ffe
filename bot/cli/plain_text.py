"""Untrusted text made safe for a terminal: whole escape sequences removed (they could rewrite
the screen or the window title), then ``bot.wording.text.clean`` drops every invisible or control
character left; cut to a length.

Apart from ``bot.wording.text`` only ``re``, so that ``statusline`` can use it and still start fast.
"""

from __future__ import annotations

import re

from bot.wording.text import clean as clean_untrusted

MAX_TEXT = 2000

# Whole escape sequences, not only their ESC: "\x1b[2J" must not leave "[2J" behind.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing the screen
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the same, 8-bit
    r"|\x1b\][^\x07\x1b\r\n]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[PX^_][^\x1b\r\n]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]"  # any other escape
)


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """No escape sequences, ``bot.wording.text.clean`` (newlines kept, ``<br />`` as a newline), cut
    cleanly at ``limit``."""
    text = clean_untrusted(_ESCAPES.sub("", text))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int) -> str:
    """``clean`` for a field printed on one line (a name, a link): a newline in it must not
    start a line that looks like another notice."""
    return " ".join(clean(text, limit).split("\n"))
