"""The HTTP steps both sources share: a request whose failure is a ``SourceError``, the status
check that turns a rate limit into a time to wait, and the JSON body."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx

from bot.signals.community.politeness import limited_until, not_before
from bot.signals.community.posts import SourceError


async def send(
    http: httpx.AsyncClient, method: str, url: str, who: str, **options: Any
) -> httpx.Response:
    """``http.request(method, url, **options)``; a failure to get any answer is a SourceError."""
    try:
        return await http.request(method, url, **options)
    except httpx.TimeoutException:
        raise SourceError("timeout", f"{who} did not answer in time") from None
    except httpx.HTTPError as error:
        raise SourceError("unreachable", f"{who}: {type(error).__name__}") from None


def check(
    response: httpx.Response, now: datetime, who: str, *, reset_is_epoch: bool, ok: int = 200
) -> None:
    """Raise unless ``ok``. 429, and 403 with the limit spent (GitHub's primary limit) or with
    ``Retry-After`` (its secondary limit), are "rate-limited" with the time to wait."""
    status = response.status_code
    if status == ok:
        return
    headers = response.headers
    spent = headers.get("x-ratelimit-remaining", "").strip() in ("0", "0.0")
    if status == 429 or (status == 403 and (spent or "retry-after" in headers)):
        wait = limited_until(headers, now, reset_is_epoch=reset_is_epoch)
        raise SourceError("rate-limited", f"{who} answered {status}", wait)
    wait_or_none = not_before(headers, now, reset_is_epoch=reset_is_epoch)
    raise SourceError(f"http-{status}", f"{who} answered {status}", wait_or_none)


def body(response: httpx.Response, who: str) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SourceError("bad-response", f"{who}'s answer is not JSON") from None
