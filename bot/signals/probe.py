"""The API probe (``PROBE=keyless`` or ``key``): a cheap request to the API on a schedule, whose
answer class says whether the API itself is failing, before any status page says so.

``keyless`` asks ``GET /v1/models`` without a key: a healthy API answers 401 quickly. ``key``
asks the same with ``ANTHROPIC_API_KEY`` (no tokens are spent): a healthy API answers 200.
5xx, 529 and timeouts are failures; a refused connection or a DNS failure is *our* network,
not the API, and never counts as an API failure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

import httpx

from bot import __version__
from bot.secret import Secret

log = logging.getLogger(__name__)
FAILURES_FOR_WARNING: Final = 3
MODELS_PATH: Final = "/v1/models"


class Outcome(StrEnum):
    HEALTHY = "healthy"
    FAILING = "failing"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class ProbeHealth:
    consecutive_failures: int = 0
    last: Outcome | None = None
    last_codes: tuple[str, ...] = ()
    """The answers of the current run of failures (``503``, ``529``, ``timeout``)."""

    @property
    def failing(self) -> bool:
        return self.consecutive_failures >= FAILURES_FOR_WARNING

    def after(self, outcome: Outcome, code: str) -> ProbeHealth:
        if outcome is Outcome.FAILING:
            return replace(
                self,
                consecutive_failures=self.consecutive_failures + 1,
                last=outcome,
                last_codes=(*self.last_codes, code)[-FAILURES_FOR_WARNING:],
            )
        return ProbeHealth(last=outcome)


def classify(status: int | None, keyed: bool) -> Outcome:
    """An answer (None: it timed out) -> what it says about the API."""
    if status is None or status >= 500:
        return Outcome.FAILING
    if keyed and status in (401, 403):
        log.warning("the probe's ANTHROPIC_API_KEY was refused (HTTP %s): check the key", status)
    return Outcome.HEALTHY


class Prober:
    def __init__(self, base_url: str, key: Secret | None, timeout: float = 10.0) -> None:
        headers = {
            "User-Agent": f"is-claude-down/{__version__} (probe)",
            "anthropic-version": "2023-06-01",
        }
        if key is not None:
            headers["x-api-key"] = key.reveal()
        self._keyed = key is not None
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout
        )
        self.health = ProbeHealth()

    async def probe(self) -> ProbeHealth:
        try:
            response = await self._http.get(MODELS_PATH)
        except httpx.TimeoutException:
            outcome, code = Outcome.FAILING, "timeout"
        except httpx.HTTPError as error:
            log.info("probe could not reach the API (our network?): %s", type(error).__name__)
            outcome, code = Outcome.UNREACHABLE, "unreachable"
        else:
            outcome, code = classify(response.status_code, self._keyed), str(response.status_code)
        self.health = self.health.after(outcome, code)
        if outcome is Outcome.FAILING:
            log.warning(
                "probe: the API answered %s (%d in a row)", code, self.health.consecutive_failures
            )
        return self.health

    async def close(self) -> None:
        await self._http.aclose()
