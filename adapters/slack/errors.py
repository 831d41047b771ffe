"""Slack Web API failures mapped onto the core's delivery errors.

Only errors that can never succeed for a channel are permanent (the dispatcher then disables
the subscription); rate limits, Slack's own failures, timeouts and anything we do not know
are transient, so the dispatcher retries them with its own backoff (or Slack's Retry-After).
"""

from __future__ import annotations

from typing import Any, Final

from slack_sdk.errors import SlackApiError

from bot.notify.ports import DeliveryError, PermanentDeliveryError, TransientDeliveryError

PERMANENT: Final = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "invalid_auth",
        "missing_scope",
        "not_authed",
        "not_in_channel",
        "no_permission",
        "team_access_not_granted",
        "ekm_access_denied",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "cannot_reply_to_message",
        "method_not_supported_for_channel_type",
        "user_is_restricted",
    }
)
"""Errors that will keep failing for this channel until a person changes something."""

REVOKED: Final = frozenset({"token_revoked", "invalid_auth", "account_inactive"})
"""The workspace's token no longer works: every channel of that workspace is done."""

REFUSED_PAYLOAD: Final = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "msg_too_long",
        "too_many_attachments",
        "markdown_text_conflict",
    }
)
"""Slack refused the message itself: worth one more try as plain text."""


def code(error: SlackApiError) -> str:
    """Slack's error name (``channel_not_found``), or ``http_<status>`` when it gave none."""
    data = _data(error)
    name = data.get("error") if isinstance(data, dict) else None
    return str(name) if name else f"http_{status(error)}"


def status(error: SlackApiError) -> int:
    response = error.response
    value = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(value) if value else 0


def retry_after(error: SlackApiError) -> float | None:
    headers: Any = getattr(error.response, "headers", None) or {}
    raw = None
    for name in ("Retry-After", "retry-after"):
        raw = headers.get(name) if hasattr(headers, "get") else None
        if raw:
            break
    if isinstance(raw, list):  # slack_sdk keeps some headers as lists
        raw = raw[0] if raw else None
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


def to_delivery_error(error: SlackApiError, method: str) -> DeliveryError:
    name = code(error)
    http = status(error)
    if name in PERMANENT:
        return PermanentDeliveryError(name)
    wait = retry_after(error)
    if http == 429 or name == "ratelimited":
        return TransientDeliveryError(f"Slack rate-limited {method}", retry_after=wait)
    return TransientDeliveryError(f"Slack {method} failed: {name}", retry_after=wait)


def _data(error: SlackApiError) -> object:
    response = error.response
    return getattr(response, "data", None) or {}
