"""The early-warning notices: a raised warning is a thread root; it ends cleared or confirmed,
a reply plus the edit of the root. Pure; ``compose`` hands early-warning events here."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from bot.detect.events import (
    EarlyWarning,
    WarningCleared,
    WarningConfirmed,
    WarningEvent,
    WarningRaised,
)
from bot.notify.notices import Action, Link, Notice, NoticeKind, Planned, Severity
from bot.wording.text import short_title


def plan(event: WarningEvent, source: str, *, is_test: bool = False) -> list[Planned]:
    match event:
        case WarningRaised(warning=warning):
            return [Planned(Action.POST, warning_root(warning, source, is_test=is_test))]
        case WarningCleared(warning=warning):
            cleared = _warning_notice(
                NoticeKind.EARLY_WARNING_CLEARED,
                warning,
                "Cleared: the errors stopped before the status page posted anything.",
                source,
                is_test=is_test,
            )
            root = warning_root(warning, source, is_test=is_test)
            return [
                Planned(Action.REPLY, cleared),
                Planned(Action.EDIT, root.closed(_closed(warning), "cleared")),
            ]
        case WarningConfirmed(warning=warning, incident=incident):
            lead = warning.lead_minutes or 0
            confirmed = _warning_notice(
                NoticeKind.EARLY_WARNING_CONFIRMED,
                warning,
                f'Confirmed: the status page now reports "{incident.name}", '
                f"{lead} min after this warning. Follow it there.",
                incident.shortlink or source,
                early_warning_minutes=lead,
                is_test=is_test,
            )
            root = warning_root(warning, source, is_test=is_test)
            return [
                Planned(Action.REPLY, confirmed),
                Planned(Action.EDIT, root.closed(_closed(warning), "confirmed")),
            ]
        case _:
            assert_never(event)


def warning_root(warning: EarlyWarning, source: str, *, is_test: bool = False) -> Notice:
    return _warning_notice(
        NoticeKind.EARLY_WARNING,
        warning,
        f"{warning.detail} It is not your setup: don't reinstall or change keys. "
        "I'll say here when it clears or when the status page confirms it.",
        source,
        is_test=is_test,
    )


def _warning_notice(
    kind: NoticeKind,
    warning: EarlyWarning,
    text: str,
    url: str,
    *,
    early_warning_minutes: int | None = None,
    is_test: bool,
) -> Notice:
    return Notice(
        kind=kind,
        title="Unconfirmed: elevated errors, not yet on the status page",
        severity=Severity.UNKNOWN if kind is NoticeKind.EARLY_WARNING else Severity.RESOLVED,
        status="unconfirmed" if kind is NoticeKind.EARLY_WARNING else kind.value.rsplit("_", 1)[1],
        text=text,
        at=warning.closed_at or warning.opened_at,
        url=url,
        started_at=warning.opened_at,
        ended_at=None if kind is NoticeKind.EARLY_WARNING else warning.closed_at,
        thread_key=f"warning:{warning.id}",
        early_warning_minutes=early_warning_minutes,
        is_test=is_test,
        links=tuple(Link(short_title(title), link) for title, link in warning.links)
        if kind is NoticeKind.EARLY_WARNING
        else (),
    )


def _closed(warning: EarlyWarning) -> datetime:
    return warning.closed_at or warning.opened_at
