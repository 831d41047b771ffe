"""The recorded incident shipped in the package, and an in-process page that serves it.

The demo replays it through the real pipeline (feed client → snapshot → change detection →
notices → outbox → adapters): only the HTTP transport is in-process instead of the network.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import httpx

from bot.statuspage.client import INCIDENTS_PATH, MAINTENANCES_PATH, SUMMARY_PATH
from bot.statuspage.models import Incident

Step = dict[str, Any]
DEMO = "demo"


def load(name: str = DEMO) -> list[Step]:
    folder = resources.files("bot") / "recordings" / name
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def sample_incident() -> Incident:
    """The recording's incident as first posted: the ``test`` word's sample alert."""
    opened = next(step for step in load() if step["summary"]["incidents"])
    return Incident.model_validate(opened["summary"]["incidents"][0])


class RecordedPage:
    """An in-process Statuspage page: ``show(step)``, then the feed client reads it."""

    def __init__(self) -> None:
        self._documents: dict[str, bytes] = {}

    def show(self, step: Step) -> None:
        summary = step["summary"]
        page = summary["page"]
        incidents = step.get("incidents") or {"page": page, "incidents": summary["incidents"]}
        maintenances = step.get("scheduled_maintenances") or {
            "page": page,
            "scheduled_maintenances": summary.get("scheduled_maintenances", []),
        }
        self._documents = {
            SUMMARY_PATH: json.dumps(summary).encode(),
            INCIDENTS_PATH: json.dumps(incidents).encode(),
            MAINTENANCES_PATH: json.dumps(maintenances).encode(),
        }

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = self._documents.get(request.url.path)
        if body is None:
            return httpx.Response(404, text="not in the recording")
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
