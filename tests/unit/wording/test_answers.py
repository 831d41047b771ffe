"""bot.wording.answers: the headings of answers."""

from __future__ import annotations

from bot.wording.answers import advice_heading


def test_advice_heading() -> None:
    assert advice_heading(None) == "What to do"
    assert advice_heading("529") == "What to do about 529"
    assert advice_heading("5\n29\u202e") == "What to do about 5 29"
