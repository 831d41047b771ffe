"""The console: prints notices for ``watch`` (and ``serve`` with no chat platform).

``build`` is the ``console`` entry point of ``is_claude_down.adapters``.
"""

from __future__ import annotations

import sys

from adapters.console.adapter import ConsoleAdapter
from bot.api import CoreAPI
from bot.settings import Settings

__all__ = ["ConsoleAdapter", "build"]


def build(settings: Settings, core: CoreAPI) -> ConsoleAdapter:
    return ConsoleAdapter(sys.stdout)
