"""The headings and settings lines of answers that read the same on every platform."""

from __future__ import annotations

from bot.wording.text import one_line


def advice_heading(code: str | None) -> str:
    """``What to do about 503``; ``code`` is raw (cleaned here)."""
    return f"What to do about {one_line(code)}" if code else "What to do"


# --- channel preferences ------------------------------------------------------------------


def alert_settings(
    impact: str, updates: bool, maintenance: bool, warnings: bool, quiet: str | None
) -> list[tuple[str, str]]:
    """A channel's ``alerts`` settings as (setting, value) lines, the same on every platform."""
    level = "every incident" if impact == "any" else f"{impact} impact and above"
    on = {True: "on", False: "off"}
    return [
        ("Incidents", level),
        ("Thread updates", on[updates] if updates else "off (start and resolution only)"),
        ("Maintenance", on[maintenance]),
        ("Early warnings", on[warnings]),
        ("Quiet hours", f"{quiet} (critical incidents break through)" if quiet else "none"),
    ]


def alerts_heading(subscribed: bool, changed_by: str | None) -> str:
    """The first line of the ``alerts`` answer; ``changed_by`` is raw (cleaned here)."""
    if changed_by:
        return f"Alert settings changed by {one_line(changed_by)}"
    return "Alert settings" if subscribed else "Alert settings (this channel is not subscribed)"
