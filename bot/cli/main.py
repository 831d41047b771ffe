"""The command line: ``status``, ``watch``, ``serve``, ``config``, ``demo``, and the client
commands of a developer's machine (``hook``, ``report``, ``statusline``).

Exit codes of ``status``: 0 operational, 1 degraded, 2 outage, 3 unknown. Every command exits
78 on a bad configuration and 64 on bad arguments (numbers that cannot be confused with a
verdict), with a message that names what is wrong.

Imports are made where a command needs them: Claude Code runs ``statusline`` on every refresh
and ``hook`` on every failed turn, and neither needs the bot's settings, logging or asyncio.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from bot import __version__

if TYPE_CHECKING:
    from bot.settings import Secret, Settings

EXIT_USAGE = 64
EXIT_CONFIG = 78
CLIENT_COMMANDS = ("hook", "report", "statusline")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="is-claude-down", description="Is Claude down, and what should I do?")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    status = sub.add_parser("status", help="check the status page once and advise")
    status.add_argument(
        "--code", help="the error you see: 503, 529, 500, 429, 401, overloaded, timeout"
    )
    status.add_argument(
        "--since", type=_minutes, metavar="MINUTES", help="how long you have seen it"
    )
    status.add_argument("--json", action="store_true", help="print the contract's JSON object")
    sub.add_parser("watch", help="poll on a schedule and print every notice")
    sub.add_parser("serve", help="the whole bot: watcher, HTTP server, chat adapters")
    sub.add_parser("config", help="print the effective configuration, secrets redacted")
    demo = sub.add_parser("demo", help="replay a recorded incident, marked as a test")
    demo.add_argument(
        "--speed", type=_speed, default=1.0, help="how much faster than the 20 s default"
    )
    sub.add_parser("hook", help="Claude Code's StopFailure hook: report a server-side failure")
    report = sub.add_parser("report", help="tell the team's bot you see a server-side failure")
    report.add_argument("code", nargs="?", help="what you see: 529, 500, overloaded, timeout")
    sub.add_parser("statusline", help="one short line for Claude Code's status line")
    return parser


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


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words in (["statusline"], ["hook"]):  # Claude Code runs these often: skip the parser
        return _run_client(words[0], None)
    args = _parser().parse_args(words)
    if args.command in CLIENT_COMMANDS:
        return _run_client(args.command, getattr(args, "code", None))
    import asyncio
    import json

    from bot import logs
    from bot.settings import ConfigError, load

    try:
        settings = load()
    except ConfigError as error:
        print(f"is-claude-down: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    level = settings.log_level
    if args.command == "demo" and not os.environ.get("LOG_LEVEL"):
        level = "WARNING"  # the demo's output is the notices; keep the terminal for them
    logs.setup(level, settings.log_format, _secrets(settings))
    if args.command == "config":
        print(json.dumps(settings.redacted(), indent=2))
        return 0
    if args.command == "status":
        from bot.cli.status import run_status

        return asyncio.run(run_status(settings, args.code, args.since, as_json=args.json))
    if args.command == "demo":
        from bot.cli.demo import run_demo

        return asyncio.run(run_demo(settings, args.speed))
    return asyncio.run(_run_forever(settings, args.command))


def _run_client(command: str, code: str | None) -> int:
    """A developer's machine: no bot settings, no logging setup, nothing but what it needs
    (building the argument parser alone costs ``statusline`` a quarter of its own time)."""
    if command == "statusline":
        from bot.cli.statusline import run_statusline

        return run_statusline()
    if command == "hook":
        from bot.cli.hook import run_hook

        return run_hook()
    from bot.cli.report import run_report

    return run_report(code)


def _secrets(settings: Settings) -> list[Secret | None]:
    from bot.settings import SECRET_NAMES

    return [getattr(settings, name.lower()) for name in SECRET_NAMES]


async def _run_forever(settings: Settings, mode: str) -> int:
    import asyncio
    import contextlib
    import logging
    import signal

    from bot.app import build_app  # the whole bot: imported only when it runs

    log = logging.getLogger("bot")

    assert mode in ("watch", "serve")
    app = build_app(settings, "watch" if mode == "watch" else "serve")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await app.start()
    except Exception as error:
        log.error("could not start: %s", error)
        await app.stop()
        return 1
    await stop.wait()
    log.info("stopping")
    await app.stop()
    log.info("stopped")
    return 0
