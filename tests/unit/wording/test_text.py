"""bot.wording.text: untrusted text made plain, the same way on Slack, Discord and the terminal."""

from __future__ import annotations

import pytest

from adapters.discord.render.markup import escape as discord_escape
from adapters.slack.render import markup as slack_markup
from bot.cli import terminal
from bot.wording.text import and_more, capitalised, clean, one_line

HIDDEN = (
    "\u00ad",  # soft hyphen
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200e\u200f",  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e",  # embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064",  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069",  # isolates
    "\ufeff",  # byte-order mark
    "\ufff9\ufffa\ufffb",  # interlinear annotation
    "\U000e0001\U000e0041\U000e007f",  # tag characters (hidden text)
    "\x00\x01\x07\x08\x0e\x1b\x1f\x7f",  # C0 controls and DEL
    "\x80\x9b\x9f",  # C1 controls (\x85 is a line break, below)
)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_clean_drops_invisible_reordering_and_control_characters(hidden: str) -> None:
    assert clean(f"ev{hidden}ery{hidden}one") == "everyone"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\x0bb\x0cc\x85d", "a\nb\nc\nd"),
        ("one<br />two<BR>three<br/>four", "one\ntwo\nthree\nfour"),
        ("tab\tseparated", "tab separated"),
        ("a\n\n\n\n\nb", "a\n\nb"),
    ],
)
def test_clean_makes_line_breaks_plain(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_keeps_joiners_that_emoji_and_scripts_need() -> None:
    coder = "👩\u200d💻"
    persian = "می\u200cخواهم"  # a real word with a zero-width non-joiner
    assert clean(f"{coder} {persian}") == f"{coder} {persian}"


def test_clean_escapes_nothing() -> None:
    assert clean("<!channel> @everyone *bold* &amp;") == "<!channel> @everyone *bold* &amp;"


def test_one_line_folds_every_line_break_and_space_run() -> None:
    assert one_line("  Errors\nUNKNOWN: fake\u2028line\t x ") == "Errors UNKNOWN: fake line x"


HOSTILE = "Claude\u202e gnp.exe\u202c is\u200b \x07 fine\u2066\u2069\x00 " + "".join(HIDDEN)


def test_slack_discord_and_the_terminal_clean_hostile_text_the_same_way() -> None:
    """No markup characters in ``HOSTILE``, so what each renderer shows is its cleaning alone."""
    expected = "Claude gnp.exe is  fine "
    assert clean(HOSTILE) == expected
    assert slack_markup.body(HOSTILE, 1000) == expected.strip()
    assert slack_markup.inline(HOSTILE) == one_line(expected)
    assert discord_escape(HOSTILE) == expected
    assert terminal.clean(HOSTILE) == expected


def test_capitalised_and_more() -> None:
    assert capitalised("major outage") == "Major outage"
    assert capitalised("") == ""
    assert and_more(3) == "… and 3 more"
