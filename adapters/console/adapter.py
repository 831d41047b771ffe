"""The console adapter: prints notices on a text stream (stdout), rendered by
``bot.cli.terminal``. It has no listeners and its deliveries cannot fail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from bot.cli.terminal import notice_text, wants_colour
from bot.notify.notices import Notice
from bot.notify.ports import Attempt, ChatAdapter, MessageRef, Target


class ConsoleDelivery:
    """Implements ``ChatAdapter`` on a text stream. Replies are indented under their root.
    A stream cannot be read back: a repeated try prints again (docs/reliability.md)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._colour = wants_colour(stream)
        self._count = 0

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        return self._print(notice_text(notice, colour=self._colour))

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        text = notice_text(notice, colour=self._colour)
        return self._print("  ↳ " + text.replace("\n", "\n    "))

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        text = notice_text(notice, colour=self._colour, edited=True)
        self._print("  ✎ " + text.replace("\n", "\n    "))

    def _print(self, text: str) -> MessageRef:
        self._count += 1
        print(text, file=self._stream, flush=True)
        return MessageRef(channel="stdout", id=str(self._count))


class ConsoleAdapter:
    name = "console"

    def __init__(self, stream: TextIO) -> None:
        self._delivery = ConsoleDelivery(stream)

    def deliveries(self) -> Mapping[str, ChatAdapter]:
        return {"console": self._delivery}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
