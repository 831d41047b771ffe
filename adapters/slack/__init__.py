"""Slack: ``/is-claude-down``, mentions, and threaded incident alerts (slack-bolt, async).

``build`` is the ``slack`` entry point of ``is_claude_down.adapters``: ``None`` when neither
``SLACK_BOT_TOKEN`` nor ``SLACK_CLIENT_ID`` is set.
"""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from bot.api import CoreAPI
from bot.settings import Settings

__all__ = ["SlackAdapter", "build"]


def build(settings: Settings, core: CoreAPI) -> SlackAdapter | None:
    if settings.slack_bot_token is None and settings.slack_client_id is None:
        return None
    return SlackAdapter(settings, core)
