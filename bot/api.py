"""How adapters plug into the core without the core importing them.

An adapter package exposes ``build(settings, core) -> Adapter | None`` and names it in the
``is_claude_down.adapters`` entry point group (``pyproject.toml``). ``None`` means "not
configured" (no credentials). The core hands every adapter the same ``CoreAPI``.

A question reaches the core as a typed ``Command`` (re-exported here with the functions that
build one from typed options): an adapter that receives text hands it to ``CoreAPI.parse``,
one whose platform has typed options builds the command from them; either way it then calls
``CoreAPI.answer``. No adapter reads words itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.ask.answers import Answer
from bot.ask.grammar import (
    MAX_MINUTES,
    Alerts,
    AlertsRefused,
    Ask,
    Command,
    Help,
    History,
    Report,
    Subscribe,
    Test,
    Unsubscribe,
    alerts_of,
    ask_about,
    report_of,
    subscribe_to,
)
from bot.detect.view import StatusView
from bot.notify.ports import ChatAdapter
from bot.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "MAX_MINUTES",
    "Adapter",
    "AdapterFactory",
    "Alerts",
    "AlertsRefused",
    "Ask",
    "ChatContext",
    "Command",
    "CoreAPI",
    "Help",
    "History",
    "PollerAware",
    "Report",
    "Subscribe",
    "Test",
    "Unsubscribe",
    "alerts_of",
    "ask_about",
    "discover",
    "report_of",
    "subscribe_to",
]

ENTRY_POINT_GROUP = "is_claude_down.adapters"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatContext:
    """Who asked, where. ``workspace`` is the Slack team or Discord guild (None in a DM);
    ``can_manage`` says whether this user may change the channel's subscription."""

    platform: str
    channel: str
    user: str
    workspace: str | None = None
    user_name: str | None = None
    can_manage: bool = True


class CoreAPI(Protocol):
    """What the core offers adapters. Answers come from memory (the current view and the
    database), never from a fetch of the feed."""

    @property
    def settings(self) -> Settings: ...

    @property
    def view(self) -> StatusView: ...

    @property
    def web(self) -> web.Application:
        """The ``serve`` HTTP app: add routes in ``build``, before it starts."""
        ...

    @property
    def engine(self) -> AsyncEngine:
        """The database, for an adapter's own tables (Slack installations)."""
        ...

    def parse(self, text: str) -> Command:
        """The words a user typed (after the slash command or the mention) as a ``Command``.
        Never raises: words not understood become ``Help``."""
        ...

    async def answer(self, command: Command, ctx: ChatContext) -> Answer:
        """Answer ``command``, asked by ``ctx.user`` in ``ctx.channel``."""
        ...

    def answer_from_memory(self, command: Command, ctx: ChatContext) -> Answer | None:
        """The same answer, at once, for a command answered from memory alone (a status
        question, history, help: what a burst during an outage asks); ``None`` for one that
        needs the database (subscribe, report, alert settings): ask ``answer`` for those."""
        ...

    def component_names(self) -> Sequence[str]:
        """Names of the page's components, for autocompletion."""
        ...

    def learn_team(self, platform: str, workspace: str, channel: str | None = None) -> None:
        """``channel`` (or, without one, every channel of ``platform`` whose target names no
        workspace: a single-workspace install) is in ``workspace``: a static alert channel
        then gets its team's early warnings."""
        ...

    async def disable_targets(self, platform: str, workspace: str, reason: str) -> int:
        """Stop alerts to every channel of a workspace (app uninstalled, token revoked);
        returns how many subscriptions were disabled."""
        ...


class Adapter(Protocol):
    name: str

    def deliveries(self) -> Mapping[str, ChatAdapter]:
        """Target platform (``slack``, ``discord``, ``discord-webhook``) -> its delivery."""
        ...

    async def start(self) -> None:
        """Connect (gateway, Socket Mode); return once running in the background."""
        ...

    async def stop(self) -> None: ...


@runtime_checkable
class PollerAware(Protocol):
    """An adapter whose connection must live in one replica only: Discord sends every gateway
    event to each session, so two replicas on one token would answer every mention twice."""

    def follow_poller(self) -> None:
        """Called before ``start`` when replicas share the database: connect only once
        ``became_poller`` says so (the other replicas still deliver through REST)."""
        ...

    def became_poller(self) -> None:
        """This replica now polls (and so holds the one connection). Idempotent."""
        ...


AdapterFactory = Callable[[Settings, CoreAPI], "Adapter | None"]


def discover(names: Sequence[str] | None = None) -> dict[str, AdapterFactory]:
    """The installed adapter factories by name (only ``names`` when given)."""
    factories: dict[str, AdapterFactory] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        if names is not None and point.name not in names:
            continue
        try:
            factories[point.name] = point.load()
        except Exception:  # an adapter that fails to import must not take the bot down
            log.exception("adapter %s failed to load", point.name)
    return factories
