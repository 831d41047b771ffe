"""Clients' reports in the database: one reporter once per window, beside the chat reports
without joining any team, kept across a restart and shared by replicas on one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.detect.client_reports import WINDOW, ClientReport, summarize
from bot.store import Store

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def report(reporter: str, minutes: float = 0, code: str | None = "529") -> ClientReport:
    return ClientReport(reporter, code, "claude-code", NOW + timedelta(minutes=minutes))


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = Store.open(database_url)
    await opened.migrate()
    yield opened
    await opened.close()


async def test_a_reporter_counts_once_per_window(store: Store) -> None:
    counted = [
        await store.add_client_report(report("alice", minutes), WINDOW)
        for minutes in (0, 1, 9.9, 10.5)
    ]
    assert counted == [True, False, False, True]
    stored = await store.client_reports(NOW - WINDOW)
    assert [(r.reporter, r.at) for r in stored] == [
        ("alice", NOW),
        ("alice", NOW + timedelta(minutes=10.5)),
    ]


async def test_clients_reports_join_no_team(store: Store) -> None:
    for name in ("alice", "bob", "carol"):
        await store.add_client_report(report(name), WINDOW)
    await store.add_report("slack", "T1", "U1", "503", NOW)
    teams = await store.teams_reporting(NOW - WINDOW, 1)
    assert [(team.platform, team.workspace, team.people) for team in teams] == [("slack", "T1", 1)]
    assert await store.count_reporters("slack", "T1", NOW - WINDOW) == 1
    assert summarize(await store.client_reports(NOW - WINDOW), NOW - WINDOW).people == 3


async def test_reports_survive_a_restart_and_are_shared_by_replicas(database_url: str) -> None:
    first, second = Store.open(database_url), Store.open(database_url)
    await first.migrate()
    await second.migrate()
    try:
        assert await first.add_client_report(report("alice"), WINDOW)
        assert not await second.add_client_report(report("alice", 2), WINDOW)
        assert await second.add_client_report(report("bob", 2, code=None), WINDOW)
    finally:
        await first.close()
        await second.close()
    restarted = Store.open(database_url)
    try:
        stored = await restarted.client_reports(NOW - WINDOW)
    finally:
        await restarted.close()
    assert [(r.reporter, r.code, r.source) for r in stored] == [
        ("alice", "529", "claude-code"),
        ("bob", None, "claude-code"),
    ]
