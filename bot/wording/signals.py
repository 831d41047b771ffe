"""The sentences about what the bot saw besides the status page's own words: early warnings,
clients' reports, community posts, and an incident coming back soon after the last one.
"""

from __future__ import annotations

from typing import Final

from bot.wording.durations import duration_text
from bot.wording.text import one_line

# --- early warnings ---------------------------------------------------------------------

EARLY_EMOJI: Final = "⏱️"


def seen_early(minutes: int) -> str:
    """The line on an incident's notice when the early warning saw it first."""
    return (
        f"Seen early: the early warning fired {duration_text(minutes)} "
        "before the status page posted it."
    )


def clients_failing(people: int, codes: tuple[str, ...], claude_code_only: bool) -> str:
    """What clients' reports say in every answer and in their early warning: ``3 people's
    Claude Code hit 529 in the last 10 minutes`` (``codes`` most seen first)."""
    who = "1 person" if people == 1 else f"{people} people"
    what = " or ".join(one_line(code) for code in codes) if codes else "server errors"
    if claude_code_only:
        return f"{who}'s Claude Code hit {what} in the last 10 minutes"
    return f"{who} hit {what} in the last 10 minutes"


def warning_outcome(
    confirmed_by: str | None, lead_minutes: int | None, closed: bool
) -> tuple[str, str]:
    """How a past early warning ended, as its emoji and its words: confirmed by an incident
    (``confirmed_by`` is its raw name) and how early, still open, or cleared."""
    if confirmed_by is not None:
        return EARLY_EMOJI, f"confirmed by {one_line(confirmed_by)}, {lead_minutes or 0} min early"
    if not closed:
        return "⚠️", "still open"
    return "✅", "cleared without an incident"


def back_again(minutes: int, earlier: str) -> str:
    """The line on a notice about components whose last incident ended within the hour."""
    return f"Back {minutes} minutes after “{one_line(earlier)}” was resolved."


def community_sentence(label: str, posts: int, usual: float) -> str:
    """``r/ClaudeAI: 9 posts about errors in 30 min (usually 1)``."""
    noun = "post" if posts == 1 else "posts"
    return f"{label}: {posts} {noun} about errors in 30 min (usually {usual:g})"
