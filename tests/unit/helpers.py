"""Shared helpers for the unit tests: fixture documents, snapshots and views built from them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.detect.view import StatusView
from bot.statuspage.models import IncidentList, MaintenanceList, Summary
from bot.statuspage.snapshot import Snapshot, build_snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statuspage"
SCENARIOS = FIXTURES / "scenarios"
SOURCE = "https://status.claude.com"
NOW = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)

CLAUDE_AI = "rwppv331jlwc"
PLATFORM = "0qbwn08sd68x"
CLAUDE_API = "k8w3r06qmzrp"
CLAUDE_CODE = "yyzkbfz2thpt"
COWORK = "bpp5gb3hpjcl"
GOVERNMENT = "0scnb50nvy53"


def load_json(relative: str) -> Any:
    """A fresh copy of a fixture document (tests may modify it)."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def summary(relative: str) -> Summary:
    return Summary.model_validate(load_json(relative))


def summary_of(document: dict[str, Any]) -> Summary:
    return Summary.model_validate(copy.deepcopy(document))


def snapshot_of(relative: str, now: datetime = NOW) -> Snapshot:
    return build_snapshot(None, summary(relative), None, None, now)


def view_of(
    relative: str | None, *, readable: bool = True, fetched_at: datetime = NOW
) -> StatusView:
    """The view after a good read of ``relative`` (``None``: never read successfully)."""
    snap = snapshot_of(relative, fetched_at) if relative else None
    return StatusView(source=SOURCE, snapshot=snap, readable=readable)


def scenario_steps(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((SCENARIOS / name).glob("*.json"))
    ]


def incident_list(document: dict[str, Any] | None) -> IncidentList | None:
    return IncidentList.model_validate(document) if document is not None else None


def maintenance_list(document: dict[str, Any] | None) -> MaintenanceList | None:
    return MaintenanceList.model_validate(document) if document is not None else None
