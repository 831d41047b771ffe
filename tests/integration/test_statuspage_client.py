"""The feed client against the fake Statuspage page: real httpx over loopback."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot.statuspage.client import SUMMARY_PATH, FeedClient, FeedError
from fakes.statuspage import FIXTURES, FakeStatuspage


async def test_reads_and_parses_the_summary(statuspage: FakeStatuspage) -> None:
    statuspage.set_summary("summary-minor-incident.json")
    async with FeedClient(statuspage.url, timeout=2) as feed:
        fetched = await feed.summary()
    assert fetched.changed
    assert fetched.document.status.indicator == "minor"
    assert [i.name for i in fetched.document.incidents] == ["Elevated errors on Claude Opus 4.6"]


async def test_unchanged_page_costs_a_304(statuspage: FakeStatuspage) -> None:
    async with FeedClient(statuspage.url, timeout=2) as feed:
        first = await feed.summary()
        second = await feed.summary()
    assert first.changed
    assert not second.changed
    assert second.document == first.document
    assert second.nbytes == 0
    statuses = [r.status for r in statuspage.requests if r.path == SUMMARY_PATH]
    assert statuses == [200, 304]
    assert "If-None-Match" in statuspage.requests[-1].headers


async def test_a_changed_page_is_read_again(statuspage: FakeStatuspage) -> None:
    async with FeedClient(statuspage.url, timeout=2) as feed:
        await feed.summary()
        statuspage.set_summary("summary-major-outage.json")
        fetched = await feed.summary()
    assert fetched.changed
    assert fetched.document.status.indicator == "major"


async def test_follows_a_redirect_from_the_old_address(statuspage: FakeStatuspage) -> None:
    async with FeedClient(statuspage.url + "/old", timeout=2) as feed:
        fetched = await feed.summary()
    assert fetched.document.page.name == "Claude"
    assert [r.status for r in statuspage.requests][:2] == [301, 200]


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("http-503-html", "http-status"),
        ("http-500", "http-status"),
        ("http-404", "http-status"),
        ("timeout", "timeout"),
        ("reset", "connection"),
        ("truncated", "not-json"),
        ("not-json", "not-json"),
        ("empty", "empty"),
        ("wrong-shape", "wrong-shape"),
    ],
)
async def test_every_fault_is_one_typed_error(
    statuspage: FakeStatuspage, fault: str, kind: str
) -> None:
    statuspage.set_fault(fault)
    async with FeedClient(statuspage.url, timeout=0.5) as feed:
        with pytest.raises(FeedError) as raised:
            await feed.summary()
    assert raised.value.kind == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bad/http-503-cloudfront.html", "not-json"),
        ("bad/not-json-status-page.html", "not-json"),
        ("bad/truncated-summary.body", "not-json"),
        ("bad/empty.body", "empty"),
        ("bad/whitespace.body", "empty"),
        ("bad/wrong-shape-array.json", "wrong-shape"),
        ("bad/wrong-shape-error.json", "wrong-shape"),
        ("bad/wrong-shape-types.json", "wrong-shape"),
        ("bad/wrong-shape-status-doc.json", "wrong-shape"),
    ],
)
async def test_bad_bodies_served_with_200_are_bad_answers(
    statuspage: FakeStatuspage, name: str, kind: str
) -> None:
    statuspage.set_raw(SUMMARY_PATH, (FIXTURES / name).read_bytes())
    async with FeedClient(statuspage.url, timeout=2) as feed:
        with pytest.raises(FeedError) as raised:
            await feed.summary()
    assert raised.value.kind == kind


async def test_a_closed_port_is_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with FeedClient(f"http://127.0.0.1:{port}", timeout=2) as feed:
        with pytest.raises(FeedError) as raised:
            await feed.summary()
    assert raised.value.kind == "connection"


async def test_a_failure_after_a_good_read_keeps_the_cache_usable(
    statuspage: FakeStatuspage,
) -> None:
    async with FeedClient(statuspage.url, timeout=2) as feed:
        first = await feed.summary()
        statuspage.set_fault("http-500")
        with pytest.raises(FeedError):
            await feed.summary()
        statuspage.set_fault(None)
        again = await feed.summary()
    assert again.document == first.document


async def test_polls_share_one_keep_alive_connection(statuspage: FakeStatuspage) -> None:
    """Unchanged (304), changed (200) and unchanged again: all on one TCP connection."""
    async with FeedClient(statuspage.url, timeout=2, poll_interval=30) as feed:
        await feed.summary()
        await feed.summary()
        statuspage.set_summary("summary-major-outage.json")
        await feed.summary()
        await feed.incidents()
        await feed.summary()
    statuses = [r.status for r in statuspage.requests]
    assert statuses == [200, 304, 200, 200, 304]
    assert statuspage.connections() == 1


async def test_the_connection_outlives_an_idle_gap_between_polls(
    statuspage: FakeStatuspage,
) -> None:
    """httpx drops an idle connection after 5 s by default, less than any poll interval."""
    async with FeedClient(statuspage.url, timeout=2, poll_interval=10) as feed:
        await feed.summary()
        await asyncio.sleep(5.5)
        await feed.summary()
    assert [r.status for r in statuspage.requests] == [200, 304]
    assert statuspage.connections() == 1
