"""Discord's answers to a failed call mapped onto the core's delivery errors.

A channel or webhook that is gone or forbidden is permanent (the dispatcher then disables the
subscription), a deleted thread root is ``ThreadGoneError`` (the dispatcher starts a new
thread), everything else is transient and retried with the dispatcher's backoff (or Discord's
``retry_after``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import aiohttp
import discord

from bot.notify.ports import (
    DeliveryError,
    PermanentDeliveryError,
    ThreadGoneError,
    TransientDeliveryError,
)

UNKNOWN_MESSAGE: Final = 10008
INVALID_FORM_BODY: Final = 50035
GONE_CODES: Final = {
    10003: "the channel no longer exists (Unknown Channel)",
    10004: "the server no longer exists or removed the bot (Unknown Guild)",
    10015: "the webhook was deleted (Unknown Webhook)",
    50001: "the bot has no access to the channel (Missing Access)",
    50007: "Discord does not let the bot message this user",
    50008: "the channel does not take messages",
    50013: "the bot lacks permissions in the channel (Missing Permissions)",
    50027: "the webhook's token is no longer valid",
    50083: "the thread is archived",
}
"""Discord error codes after which a target will never work again."""


def classify(status: int, code: int, text: str, retry_after: float | None) -> DeliveryError:
    """Discord's answer to a failed call, as the error the dispatcher acts on."""
    if status == 429:
        return TransientDeliveryError("Discord rate limit", retry_after=retry_after)
    if code == UNKNOWN_MESSAGE or (code == INVALID_FORM_BODY and _is_reference_error(text)):
        return ThreadGoneError("the thread's start message was deleted")
    if code in GONE_CODES:
        return PermanentDeliveryError(GONE_CODES[code])
    if status == 401:
        return PermanentDeliveryError("Discord refused the credentials (401)")
    if status in (403, 404):
        return PermanentDeliveryError(f"Discord answered {status} (error code {code})")
    if status >= 500:
        return TransientDeliveryError(f"Discord answered {status}")
    # A 400 is about this one message, not the channel: do not disable the subscription.
    return TransientDeliveryError(f"Discord refused the message: {status} code {code}")


def from_exception(error: Exception) -> DeliveryError:
    """What discord.py (or the network under it) raised, as a delivery error; anything else
    is a bug of ours and is raised again."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, discord.RateLimited):
        return TransientDeliveryError("Discord rate limit", retry_after=error.retry_after)
    if isinstance(error, discord.HTTPException):
        retry = retry_after(error.response.headers, None) if error.status == 429 else None
        return classify(error.status, error.code, error.text, retry)
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return network_error(error)
    raise error


def network_error(error: BaseException) -> TransientDeliveryError:
    # Only the type: aiohttp's messages can include the URL, and a webhook URL is a secret.
    return TransientDeliveryError(f"cannot reach Discord: {type(error).__name__}")


def retry_after(headers: Mapping[str, str], data: Any) -> float | None:
    """Seconds to wait after a 429: the JSON body's ``retry_after``, else ``Retry-After``."""
    if isinstance(data, dict) and isinstance(data.get("retry_after"), int | float):
        return float(data["retry_after"])
    try:
        return float(headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _is_reference_error(text: str) -> bool:
    # A reply to a deleted message with fail_if_not_exists answers 400 Invalid Form Body
    # (50035) with the error under "message_reference".
    return "message_reference" in text
