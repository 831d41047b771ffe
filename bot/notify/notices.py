"""Platform-neutral notices: what to say about an event, not how it looks.

A Notice is stored in the outbox as JSON when its event is detected, so what is delivered
later (after retries or a restart) is exactly what was decided then. Adapters render a
Notice into Block Kit, embeds or terminal text, and escape every text field: ``title``,
``text`` and ``components`` come from the feed, ``links`` from community posts, all untrusted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class NoticeKind(StrEnum):
    INCIDENT_STARTED = "incident_started"
    INCIDENT_UPDATED = "incident_updated"
    INCIDENT_RESOLVED = "incident_resolved"
    COMPONENT_CHANGED = "component_changed"
    MAINTENANCE_SCHEDULED = "maintenance_scheduled"
    MAINTENANCE_STARTED = "maintenance_started"
    MAINTENANCE_COMPLETED = "maintenance_completed"
    FEED_LOST = "feed_lost"
    FEED_RESTORED = "feed_restored"
    EARLY_WARNING = "early_warning"
    EARLY_WARNING_CLEARED = "early_warning_cleared"
    EARLY_WARNING_CONFIRMED = "early_warning_confirmed"
    DIGEST = "digest"


class Severity(StrEnum):
    """Drives colour and emoji. Incident impacts map one to one; the rest are ours."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"
    RESOLVED = "resolved"
    UNKNOWN = "unknown"

    @classmethod
    def from_impact(cls, impact: str) -> Severity:
        try:
            return cls(impact)
        except ValueError:
            return cls.UNKNOWN


ROOT_KINDS = frozenset(
    {
        NoticeKind.INCIDENT_STARTED,
        NoticeKind.MAINTENANCE_STARTED,
        NoticeKind.MAINTENANCE_SCHEDULED,
        NoticeKind.COMPONENT_CHANGED,
        NoticeKind.FEED_LOST,
        NoticeKind.EARLY_WARNING,
    }
)


@dataclass(frozen=True)
class Earlier:
    """The incident a notice's components came back from, resolved ``minutes`` before:
    "back 12 minutes after … was resolved". ``thread_key`` names its thread, so the dispatcher
    can link this channel's notice of it (``root``, a ``MessageRef`` as JSON, and the
    channel's ``workspace``, filled in when sent); ``url`` is its status page."""

    title: str
    minutes: int
    thread_key: str
    url: str | None = None
    root: dict[str, Any] | None = None
    workspace: str | None = None


@dataclass(frozen=True)
class Link:
    """A linked post under a notice (a community warning's). ``title`` is untrusted, already
    one short line; ``url`` is http(s) on the source's own host."""

    title: str
    url: str


@dataclass(frozen=True)
class Notice:
    """One message to post.

    ``thread_key`` groups a root and its replies (``incident:<id>``, ``maintenance:<id>``,
    ``feed``). A root notice whose ``ended_at`` is set is the edited, closed form of a thread
    root ("Resolved after 47 min"). ``is_test`` marks demo and ``test`` notices.
    """

    kind: NoticeKind
    title: str
    severity: Severity
    status: str
    text: str
    at: datetime
    components: tuple[str, ...] = ()
    url: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    thread_key: str | None = None
    early_warning_minutes: int | None = None
    is_test: bool = False
    earlier: Earlier | None = None
    links: tuple[Link, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.kind in ROOT_KINDS

    @property
    def duration_minutes(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds() / 60))

    def closed(self, ended_at: datetime, status: str) -> Notice:
        """The edited form of a thread root once its thread is over."""
        return replace(self, ended_at=ended_at, status=status, severity=Severity.RESOLVED)

    def as_test(self) -> Notice:
        return replace(self, is_test=True)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["severity"] = self.severity.value
        data["components"] = list(self.components)
        data["links"] = [[link.title, link.url] for link in self.links]
        for name in ("at", "started_at", "ended_at"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notice:
        def when(name: str) -> datetime | None:
            raw = data.get(name)
            return datetime.fromisoformat(raw) if raw else None

        at = when("at")
        assert at is not None, "a stored notice always has 'at'"
        return cls(
            kind=NoticeKind(data["kind"]),
            title=str(data["title"]),
            severity=Severity(data["severity"]),
            status=str(data["status"]),
            text=str(data["text"]),
            at=at,
            components=tuple(data.get("components") or ()),
            url=data.get("url"),
            started_at=when("started_at"),
            ended_at=when("ended_at"),
            thread_key=data.get("thread_key"),
            early_warning_minutes=data.get("early_warning_minutes"),
            is_test=bool(data.get("is_test", False)),
            earlier=Earlier(**data["earlier"]) if data.get("earlier") else None,
            links=tuple(Link(str(t), str(u)) for t, u in data.get("links") or ()),
        )


class Action(StrEnum):
    """How the dispatcher delivers a notice."""

    POST = "post"  # a new thread root
    REPLY = "reply"  # in the root's thread
    BROADCAST = "broadcast"  # in the thread, and also shown in the channel
    EDIT = "edit"  # replace the thread root


@dataclass(frozen=True)
class Planned:
    action: Action
    notice: Notice
