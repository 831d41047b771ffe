"""The command line's grammar: each command, its options, and what ``--help`` says about it
(what it does, the variables it reads, its exit codes)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from typing import Final, NoReturn

from bot import __version__
from bot.variables import VARIABLES

EXIT_USAGE: Final = 64
EXIT_CONFIG: Final = 78
PROG: Final = "is-claude-down"
WIDTH: Final = 88

_RUNNING_EXITS = (
    "exit codes:\n"
    "  0   stopped by Ctrl-C or SIGTERM\n"
    "  1   could not start (the message says why, e.g. the port is taken)\n"
    "  64  bad arguments\n"
    "  78  bad configuration, or the database of DATABASE_URL cannot be opened\n"
    "      (the message names the variable and the fix)"
)
_WATCH_VARIABLES = (
    "STATUS_PAGE_URL",
    "POLL_INTERVAL_SECONDS",
    "FEED_TIMEOUT_SECONDS",
    "DATABASE_URL",
    "COMPONENTS",
    "ALERT_CHANNELS",
    "LOG_LEVEL",
)
_SERVE_VARIABLES = (
    "HOST",
    "PORT",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "DISCORD_BOT_TOKEN",
    "STATUSPAGE_WEBHOOK_TOKEN",
)
_SERVE_ROUTES = (
    "routes:\n"
    "  GET  /healthz, /readyz, /metrics, /api/status\n"
    "  POST /webhooks/statuspage/TOKEN   (with STATUSPAGE_WEBHOOK_TOKEN)\n"
    "  POST /slack/events                (with Slack in HTTP mode)\n"
    "  GET  /slack/install, /slack/oauth_redirect   (with SLACK_CLIENT_ID)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def variables_text(names: Sequence[str] | None = None, title: str = "variables") -> str:
    """The variables named (all when None), each with its default and meaning."""
    chosen = [v for v in VARIABLES if names is None or v.name in names]
    width = max(len(v.name) for v in chosen) + 4
    lines = [f"{title}:"]
    for v in chosen:
        default = "" if v.default == "none" else f" (default: {v.default})"
        lines.append(
            textwrap.fill(
                f"{v.meaning}{default}",
                WIDTH,
                initial_indent=f"  {v.name}".ljust(width),
                subsequent_indent=" " * width,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _said(text: str) -> str:
    """A description, wrapped (the raw formatter keeps the epilog's own lines)."""
    return textwrap.fill(text, WIDTH)


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each command's own (for an error in that command's usage)."""
    top = _Parser(
        prog=PROG,
        description=_said(
            "Is Claude down, and what should I do? Watches the Anthropic status page."
        ),
        epilog=f"`{PROG} COMMAND --help` says more about each command.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    raw = argparse.RawDescriptionHelpFormatter
    commands: dict[str, argparse.ArgumentParser] = {}

    status = sub.add_parser(
        "status",
        help="check the status page once and advise",
        description=_said(
            "Read the status page once; print the verdict, the open incidents and "
            "what to do about the error you see."
        ),
        epilog=variables_text(("STATUS_PAGE_URL", "FEED_TIMEOUT_SECONDS", "DATABASE_URL"))
        + "\n\nexit codes:\n  0 operational, 1 degraded, 2 outage, 3 unknown (the page "
        "cannot be read),\n  64 bad arguments, 78 bad configuration\n\n"
        f"example:\n  {PROG} status --code 503 --since 12",
        formatter_class=raw,
    )
    status.add_argument(
        "--code", help="the error you see: 503, 529, 500, 429, 401, overloaded, timeout"
    )
    status.add_argument(
        "--since", type=_minutes, metavar="MINUTES", help="how long you have seen it"
    )
    status.add_argument("--json", action="store_true", help="print one JSON object instead")
    commands["status"] = status

    commands["watch"] = sub.add_parser(
        "watch",
        help="poll on a schedule and print every notice",
        description=_said(
            "Poll the status page on a schedule and print here every notice: "
            "incident start, update and resolution, component change, maintenance, status page "
            "lost and back. Says at once what it watches; needs no chat credentials."
        ),
        epilog=variables_text(_WATCH_VARIABLES) + "\n\n" + _RUNNING_EXITS,
        formatter_class=raw,
    )
    commands["serve"] = sub.add_parser(
        "serve",
        help="the whole bot: watcher, HTTP server, chat adapters",
        description=_said(
            "The whole bot: the watcher, the HTTP server, and every chat adapter "
            "whose credentials are set (it logs which are off, and what turns each on). With "
            "none, it is `watch` plus the HTTP server."
        ),
        epilog=variables_text(
            _SERVE_VARIABLES,
            title=f"variables (besides those of `watch --help`; `{PROG} config --help` lists all)",
        )
        + "\n\n"
        + _SERVE_ROUTES
        + "\n\n"
        + _RUNNING_EXITS,
        formatter_class=raw,
    )
    commands["config"] = sub.add_parser(
        "config",
        help="print the effective configuration, secrets redacted",
        description=_said(
            "Print the effective configuration as JSON (environment variables, and a "
            ".env file in this folder); every secret shows only whether it is set. Warns about "
            "variables that look like these but are not (STATUSPAGE_URL for STATUS_PAGE_URL). "
            "Each secret may also be given as a file: NAME_FILE=/path."
        ),
        epilog=variables_text()
        + "\n\nexit codes:\n  0 valid, 78 invalid (the message names the variable)",
        formatter_class=raw,
    )
    demo = sub.add_parser(
        "demo",
        help="replay a recorded incident, marked as a test",
        description=_said(
            "Replay a recorded incident (start, updates, resolution, a maintenance) "
            "through the real pipeline in about 20 seconds, to this terminal and every alert "
            "target of ALERT_CHANNELS; every notice is marked TEST. Uses a database of its own "
            "and needs no network besides the chat platforms."
        ),
        epilog="exit codes:\n  0 done, 64 bad arguments, 78 bad configuration",
        formatter_class=raw,
    )
    demo.add_argument(
        "--speed", type=_speed, default=1.0, help="how much faster than the 20 s default"
    )
    commands["demo"] = demo
    commands["hook"] = sub.add_parser(
        "hook",
        help="Claude Code's StopFailure hook: report a server-side failure",
        description=_said(
            "For Claude Code's StopFailure hook: reads the hook's JSON on standard input and, "
            "for a server-side failure, reports it to the team's bot (IS_CLAUDE_DOWN_URL, "
            "REPORT_TOKEN). Prints nothing; always exits 0."
        ),
        formatter_class=raw,
    )
    report = sub.add_parser(
        "report",
        help="tell the team's bot you see a server-side failure",
        description=_said(
            "Tell the team's bot (IS_CLAUDE_DOWN_URL, REPORT_TOKEN) that you see errors now; "
            "prints whether it was counted and how many reports it has in 10 minutes."
        ),
        epilog="exit codes:\n  0 counted or accepted, 3 bot unreachable, 64 bad arguments, "
        "78 not configured",
        formatter_class=raw,
    )
    report.add_argument("code", nargs="?", help="what you see: 529, 500, overloaded, timeout")
    commands["report"] = report
    commands["statusline"] = sub.add_parser(
        "statusline",
        help="one short line for Claude Code's status line",
        description=_said(
            "One short line with the verdict for Claude Code's status line, from a cache at "
            "most STATUSLINE_CACHE_SECONDS old; always exits 0, within a second even offline."
        ),
        formatter_class=raw,
    )
    return top, commands


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; an unknown option is reported with its own command's usage."""
    top, commands = parser()
    args, unknown = top.parse_known_args(argv)
    if unknown:
        commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.01 <= value <= 1000:
        raise argparse.ArgumentTypeError("speed must be between 0.01 and 1000")
    return value


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes") from None
    if value < 0:
        raise argparse.ArgumentTypeError("minutes cannot be negative")
    return value
