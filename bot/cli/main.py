"""The command line: ``status``, ``watch``, ``serve``, ``config``, ``demo``, and the client
commands of a developer's machine (``hook``, ``report``, ``statusline``).

Exit codes of ``status``: 0 operational, 1 degraded, 2 outage, 3 unknown. Every command exits
78 on a bad configuration and 64 on bad arguments (numbers that cannot be confused with a
verdict), with a message that names what is wrong. The grammar and ``--help`` texts are in
``bot.cli.usage``.

Imports are made where a command needs them: Claude Code runs ``statusline`` on every refresh
and ``hook`` on every failed turn, and neither needs the bot's settings, logging or asyncio.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Any

    from bot.settings import Secret, Settings

EXIT_CONFIG = 78
EXIT_INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C
CLIENT_COMMANDS = ("hook", "report", "statusline")
PROG = "is-claude-down"


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C before a command could take it over: no traceback
        return EXIT_INTERRUPTED


def _run(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words in (["statusline"], ["hook"]):  # Claude Code runs these often: skip the parser
        return _run_client(words[0], None)
    from bot.cli.usage import parse

    args = parse(words)
    if args.command in CLIENT_COMMANDS:
        return _run_client(args.command, getattr(args, "code", None))
    import asyncio
    import json
    import logging

    from bot import logs
    from bot.settings import ConfigError, load

    try:
        settings = load()
    except ConfigError as error:
        print(f"{PROG}: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    level = settings.log_level
    if args.command == "demo" and not os.environ.get("LOG_LEVEL"):
        level = "WARNING"  # the demo's output is the notices; keep the terminal for them
    logs.setup(level, settings.log_format, _secrets(settings))
    log = logging.getLogger("bot")
    for name, meant in sorted(settings.lookalikes.items()):
        log.warning(
            "%s is not a variable of %s and is ignored: did you mean %s?", name, PROG, meant
        )
    if args.command == "config":
        print(json.dumps(settings.redacted(), indent=2))
        return 0
    if args.command == "status":
        from bot.cli.status import run_status

        return asyncio.run(run_status(settings, args.code, args.since, as_json=args.json))
    if args.command == "demo":
        from bot.cli.demo import run_demo

        return asyncio.run(run_demo(settings, args.speed))
    from bot.cli.run import run_forever

    return _run_long(run_forever(settings, args.command))


def _run_long(main: Coroutine[Any, Any, int]) -> int:
    """``serve`` and ``watch`` run on uvloop where it is installed (Linux and macOS): asyncio's
    event loop written in C, the same API. On a 2-core machine a burst of a hundred slash
    commands costs 13 % less CPU per answer with it (310 against 360 µs) and the slowest
    answer comes 10-30 % sooner (``python -m bench --only command``); elsewhere, asyncio's
    own loop."""
    import asyncio

    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


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
