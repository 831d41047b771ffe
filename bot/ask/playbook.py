"""The advice table: one row per advice kind, as data, in the words a stressed developer
reads in five seconds: the verdict first, at most four steps, then what not to do.

Placeholders (``{code}``, ``{incident}`` ...) are filled by ``bot.ask.advisor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class AdviceKind(StrEnum):
    RATE_LIMIT = "rate-limit"
    CREDENTIALS = "credentials"
    BAD_REQUEST = "bad-request"
    FEED_UNKNOWN = "feed-unknown"
    KNOWN_INCIDENT = "known-incident"
    MAINTENANCE = "maintenance"
    WAIT = "wait"
    LOCAL_CHECK = "local-check"
    ALL_CLEAR = "all-clear"


@dataclass(frozen=True)
class Phrasing:
    """How the user types a command where they read the advice: in a chat, or in a terminal."""

    report: str
    """``{code}`` is the symptom (or nothing): ``report 503``."""
    ask_example: str


CHAT: Final = Phrasing(report="`report {code}`", ask_example="`503` or `529 12m`")
TERMINAL: Final = Phrasing(
    report="`is-claude-down report {code}`",
    ask_example="`is-claude-down status --code 503 --since 12`",
)


@dataclass(frozen=True)
class Play:
    summary: str
    steps: tuple[str, ...]
    avoid: tuple[str, ...]


DONT_TOUCH_SETUP: Final = (
    "Don't reinstall, change API keys or config, restart, or clear caches: "
    "it is not your setup, and it costs you time."
)

LOCAL_CHECK_AFTER_MINUTES: Final = 10

PLAYBOOK: Final[dict[AdviceKind, Play]] = {
    AdviceKind.RATE_LIMIT: Play(
        summary="{code}: your organisation's rate limit, not an outage.",
        steps=(
            "Back off: wait for the retry-after time, then retry with exponential backoff.",
            "Check usage and limits in the Claude Console (Settings → Limits).",
            "Lower concurrency or spread requests out; ask for a higher tier if it recurs.",
        ),
        avoid=("Don't rotate keys or reinstall: nothing is broken.",),
    ),
    AdviceKind.CREDENTIALS: Play(
        summary="{code}: your API key or its permissions, not an outage.",
        steps=(
            "Check the key is set and current (ANTHROPIC_API_KEY; in Claude Code run /login).",
            "Check the key belongs to the right organisation and workspace.",
            "403: check the workspace's and the key's access to this model or feature.",
        ),
        avoid=("Don't wait it out: an auth error does not clear by itself.",),
    ),
    AdviceKind.BAD_REQUEST: Play(
        summary="{code}: the request itself was refused, not an outage.",
        steps=(
            "Read the error's type and message: they name what is wrong.",
            "Check the model name, the API version header and the parameters.",
            "413: the request is too large; shorten it or split it.",
        ),
        avoid=("Don't rotate keys or reinstall: the service answered, it disliked the request.",),
    ),
    AdviceKind.FEED_UNKNOWN: Play(
        summary=(
            "Unknown: I can't read the status page right now. {last_known} {network} {server_side}"
        ),
        steps=(
            "Open {source} in a browser.",
            "Wait a few minutes before changing anything.",
            "Ask whether teammates see errors too.",
        ),
        avoid=("Don't reinstall or change keys on a guess.",),
    ),
    AdviceKind.KNOWN_INCIDENT: Play(
        summary="Not your setup: {problem}.",
        steps=(
            "Wait and retry in a few minutes: errors clear as the fix rolls out.",
            "Follow it: {link}",
            "I'll post in subscribed channels when it is resolved.",
        ),
        avoid=(DONT_TOUCH_SETUP,),
    ),
    AdviceKind.MAINTENANCE: Play(
        summary="Expected: scheduled maintenance in progress: {maintenance}, until {until}.",
        steps=(
            "Expect errors on the affected parts until it ends.",
            "Retry after {until}.",
        ),
        avoid=("Don't change your setup: this is planned and will end.",),
    ),
    AdviceKind.WAIT: Play(
        summary="Probably server-side and not posted yet: status pages lag by minutes. {reports}",
        steps=(
            "Wait 2–5 minutes and retry: most of these clear by then.",
            "Ask whether teammates see it too, and {report} so they know.",
            "Watch {source}",
        ),
        avoid=(DONT_TOUCH_SETUP,),
    ),
    AdviceKind.LOCAL_CHECK: Play(
        summary=(
            "Seen for {minutes} min with nothing on the status page and no teammate reports: "
            "now check your side."
        ),
        steps=(
            "Restart the client (Claude Code: quit and start it again).",
            "Check your network, proxy and VPN: can you reach api.anthropic.com?",
            "Try a small request from another network or machine.",
            "{report} so teammates see it.",
        ),
        avoid=("Don't rotate keys for a server error: it is not an auth problem.",),
    ),
    AdviceKind.ALL_CLEAR: Play(
        summary="All clear: all systems operational.",
        steps=("Seeing errors anyway? Ask with the code, e.g. {ask_example}.",),
        avoid=(),
    ),
}
