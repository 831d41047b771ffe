"""``is-claude-down report [CODE]``: the hook's report from a shell or a CI job.

Exit codes (the contract's): 0 counted or accepted (already counted in the last 10 minutes),
3 the bot unreachable, 78 not configured (or the bot refuses this configuration), 64 a code
that is not a server-side error.
"""

from __future__ import annotations

import sys

from bot.cli.client import REPORTS_PATH, Unreachable, load_client_config
from bot.cli.http_json import request
from bot.cli.plain_text import one_line

EXIT_UNREACHABLE = 3
EXIT_USAGE = 64
EXIT_CONFIG = 78
TIMEOUT_SECONDS = 10.0
SOURCE = "cli"


def run_report(code: str | None) -> int:
    label, problem = _server_code(code)
    if problem:
        print(f"is-claude-down report: {problem}", file=sys.stderr)
        return EXIT_USAGE
    config = load_client_config()
    if not config.can_report:
        print(
            "is-claude-down report: not configured: set "
            + " and ".join(config.missing())
            + " (the team's bot address and its report token; see docs/claude-code.md)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    assert config.bot_url is not None
    try:
        status, answer = request(
            "POST",
            config.bot_url + REPORTS_PATH,
            timeout=TIMEOUT_SECONDS,
            body={"reporter": config.reporter, "code": label, "source": SOURCE},
            token=config.token,
        )
    except Unreachable as error:
        print(f"is-claude-down report: {config.bot_url} did not answer: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if status == 200 and isinstance(answer, dict):
        print(_counted_text(answer))
        return 0
    print(f"is-claude-down report: {_refusal(status, answer)}", file=sys.stderr)
    if status == 400:
        return EXIT_USAGE
    return EXIT_CONFIG if status in (301, 302, 303, 307, 308, 401, 403, 404) else EXIT_UNREACHABLE


def _server_code(code: str | None) -> tuple[str | None, str | None]:
    """The code's label, or why it is not one to report."""
    if code is None:
        return None, None
    from bot.ask.symptoms import SymptomClass, SymptomError, parse_symptom

    try:
        symptom = parse_symptom(code)
    except SymptomError as error:
        return None, str(error)
    if symptom.kind is not SymptomClass.SERVER:
        return None, (
            f"{symptom.label} is an error on your side (a rate limit, a key, the request), not "
            "an outage: it is not reported. `is-claude-down status --code "
            f"{symptom.label}` says what to do."
        )
    return symptom.label, None


def _counted_text(answer: dict[str, object]) -> str:
    count = answer.get("reports_10m")
    verdict = one_line(str(answer.get("verdict")), 20)
    first = (
        "Counted." if answer.get("counted") else "Already counted from you in the last 10 minutes."
    )
    reports = "1 report" if count == 1 else f"{count} reports"
    return f"{first} The bot has {reports} in the last 10 minutes; its verdict: {verdict}."


def _refusal(status: int, answer: object) -> str:
    said = one_line(str(answer.get("error")), 200) if isinstance(answer, dict) else None
    match status:
        case 401 | 403:
            return "the bot refused the token: check REPORT_TOKEN"
        case 404:
            return (
                "the bot does not take reports: REPORT_TOKEN is not set on the bot, or "
                "IS_CLAUDE_DOWN_URL is not the bot's address"
            )
        case 301 | 302 | 303 | 307 | 308:
            return (
                f"the bot answered a redirect ({status}): set IS_CLAUDE_DOWN_URL to its final "
                "address"
            )
        case _:
            return f"the bot answered HTTP {status}" + (f": {said}" if said else "")
