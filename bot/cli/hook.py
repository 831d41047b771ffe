"""``is-claude-down hook``: Claude Code's ``StopFailure`` hook reports server-side failures.

Claude Code (2.1.78 and newer) runs the hook when a turn ends on an API error, with JSON on
standard input. As Claude Code sends it, ``error`` is the error type (``server_error``,
``rate_limit``, ...: what the settings' ``matcher`` filters on), ``error_details`` the answer's
status (``529 Overloaded``) and ``last_assistant_message`` the text shown in the conversation
(``API Error: Repeated 529 Overloaded errors``). The contract also names ``error_type``, an
``error`` that is a short code, and ``error_message``: both shapes are read.

Only a server-side failure is reported: a rate limit, an auth, billing or request error is the
user's own. The hook never gets in Claude Code's way: nothing on standard output, exit 0 always,
done within ``DEADLINE_SECONDS`` even when the bot hangs, and input it does not understand is
ignored quietly. Nothing of the session is sent (no prompt, no path): the reporter id and a code.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping

from bot.cli.client import REPORTS_PATH, Unreachable, finish, load_client_config
from bot.cli.http_json import request, within

DEADLINE_SECONDS = 2.5
"""Claude Code waits for its hooks; the contract promises 3 s, Python's start included."""
MAX_INPUT_BYTES = 1024 * 1024
SOURCE = "claude-code"
SERVER_TYPES = frozenset({"server_error"})
USER_SIDE_TYPES = frozenset(
    {
        "rate_limit",
        "authentication_failed",
        "billing_error",
        "invalid_request",
        "model_not_found",
        "max_output_tokens",
    }
)
KNOWN_TYPES = SERVER_TYPES | USER_SIDE_TYPES | {"unknown"}
TEXT_FIELDS = ("error_details", "error_message", "last_assistant_message")
_TYPE_WORD = re.compile(r"[a-z]+(?:_[a-z]+)*")
_STATUS = re.compile(r"(?<![\w.-])([45]\d\d)(?![\w.-])")
_WORDS = (("overloaded", "529"), ("timed out", "timeout"), ("timeout", "timeout"))


def run_hook() -> int:
    """Always 0: Claude Code ignores a ``StopFailure`` hook's exit code, and a hook that fails
    loudly would only be noise in the user's session."""
    try:
        within(DEADLINE_SECONDS, _report_from_stdin)
    except Unreachable as error:
        print(f"is-claude-down hook: the bot did not answer: {error}", file=sys.stderr)
    except Exception as error:  # never a traceback in the user's session
        print(f"is-claude-down hook: {type(error).__name__}: {error}", file=sys.stderr)
    return finish(0)


def _report_from_stdin() -> None:
    if sys.stdin is None or sys.stdin.isatty():
        return  # run by hand with nothing piped in
    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        return
    try:
        payload = json.loads(raw)
    except ValueError:
        return
    report, code = server_failure(payload)
    if not report:
        return
    config = load_client_config()
    if not config.can_report:
        return  # not set up on this machine: nothing to say, nothing to slow down
    assert config.bot_url is not None
    status, _answer = request(
        "POST",
        config.bot_url + REPORTS_PATH,
        timeout=DEADLINE_SECONDS,
        body={"reporter": config.reporter, "code": code, "source": SOURCE},
        token=config.token,
    )
    if status != 200:
        print(f"is-claude-down hook: the bot answered HTTP {status}", file=sys.stderr)


def server_failure(payload: object) -> tuple[bool, str | None]:
    """Whether this hook input is a server-side failure worth reporting, and its code
    (``529``, ``500``, ``timeout``) when the input names one."""
    if not isinstance(payload, Mapping) or payload.get("hook_event_name") != "StopFailure":
        return False, None
    error = _text(payload.get("error"))
    kind = _text(payload.get("error_type")) or (error if _TYPE_WORD.fullmatch(error) else "")
    if kind in USER_SIDE_TYPES:
        return False, None
    code = None if error in KNOWN_TYPES else _code(error)  # "529", "overloaded": a code
    for field in TEXT_FIELDS:
        code = code or _code(_text(payload.get(field)))
    if code is not None and not _server_side(code):
        return False, None  # "unknown" that turns out to be a 429 is still the user's own
    return (kind in SERVER_TYPES or code is not None), code


def _code(text: str) -> str | None:
    """The first status or symptom word in a short error text."""
    text = text[:500]
    found = _STATUS.search(text)
    if found:
        return found.group(1)
    lowered = text.lower()
    return next((code for word, code in _WORDS if word in lowered), None)


def _server_side(code: str) -> bool:
    from bot.ask.symptoms import SymptomClass, SymptomError, parse_symptom

    try:
        return parse_symptom(code).kind is SymptomClass.SERVER
    except SymptomError:
        return False


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
