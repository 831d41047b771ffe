"""bot.wording.signals: the early-warning lines."""

from __future__ import annotations

from bot.wording.signals import seen_early, warning_outcome


def test_seen_early() -> None:
    assert seen_early(6) == (
        "Seen early: the early warning fired 6 min before the status page posted it."
    )
    assert "1 h 5 min before" in seen_early(65)


def test_how_a_past_early_warning_ended() -> None:
    confirmed = warning_outcome("Elevated\u202e errors\n<!channel>", 8, closed=True)
    assert confirmed == ("⏱️", "confirmed by Elevated errors <!channel>, 8 min early")
    assert warning_outcome("X", None, closed=True)[1] == "confirmed by X, 0 min early"
    assert warning_outcome(None, None, closed=False) == ("⚠️", "still open")
    assert warning_outcome(None, None, closed=True) == ("✅", "cleared without an incident")
