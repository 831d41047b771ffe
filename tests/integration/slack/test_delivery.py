"""The Slack delivery against the fake Slack: message shapes and the error mapping the
dispatcher relies on (retry, with Slack's Retry-After; or disable the channel)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.slack.delivery import SlackDelivery
from adapters.slack.installations import Installations
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.notify.ports import (
    MessageRef,
    PermanentDeliveryError,
    Target,
    ThreadGoneError,
    TransientDeliveryError,
)
from bot.settings import Secret
from fakes.slack_api import BOT_TOKEN, TEAM_ID, FakeSlack, texts
from fakes.statuspage import load_json
from tests.integration.helpers import fresh_attempt

ALERTS = Target("slack", "C0ALERTS1", TEAM_ID)
STARTED = datetime(2026, 11, 24, 18, 2, tzinfo=UTC)


def notice(kind: NoticeKind = NoticeKind.INCIDENT_STARTED, **changes: object) -> Notice:
    base: dict[str, object] = {
        "kind": kind,
        "title": "Elevated errors on the Claude API",
        "severity": Severity.MAJOR,
        "status": "investigating",
        "text": "We are currently investigating this issue.",
        "at": STARTED,
        "components": ("Claude API (api.anthropic.com)",),
        "url": "https://stspg.io/abc123",
        "started_at": STARTED,
        "thread_key": "incident:abc",
    }
    base.update(changes)
    return Notice(**base)  # type: ignore[arg-type]


class Revocations:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, team_id: str, reason: str) -> None:
        self.seen.append((team_id, reason))


@pytest.fixture
def revoked() -> Revocations:
    return Revocations()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def delivery(slack: FakeSlack, revoked: Revocations) -> AsyncIterator[SlackDelivery]:
    delivery = SlackDelivery(slack.api_url, Installations(Secret(BOT_TOKEN)), revoked)
    yield delivery
    await delivery.close()


async def test_one_connection_serves_many_messages(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    """A fan-out to many channels of a workspace: one client, its connection kept alive."""
    for n in range(5):
        await delivery.post(Target("slack", f"C0ALERTS{n}", TEAM_ID), notice(), fresh_attempt())
    calls = slack.calls_to("chat.postMessage")
    assert len(calls) == 5
    assert len({c.peer for c in calls}) == 1


async def test_post_is_a_channel_message_in_the_impact_colour(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    ref = await delivery.post(ALERTS, notice(), fresh_attempt())
    [call] = slack.calls_to("chat.postMessage")
    assert call.token == BOT_TOKEN
    assert call.params["channel"] == "C0ALERTS1"
    assert "thread_ts" not in call.params
    assert call.params["unfurl_links"] is False
    assert call.params["text"] == "🟠 *Major incident:* Elevated errors on the Claude API"
    [attachment] = call.params["attachments"]
    assert attachment["color"] == "#e67e22"
    shown = texts(attachment["blocks"])
    assert "We are currently investigating this issue." in shown
    assert "*Affects:* Claude API (api.anthropic.com)" in shown
    assert "<https://stspg.io/abc123|Open on the status page>" in shown
    assert ref == MessageRef("C0ALERTS1", slack.roots("C0ALERTS1")[0].ts)


async def test_reply_goes_in_the_thread_after_checking_the_root_is_there(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    update = notice(NoticeKind.INCIDENT_UPDATED, status="identified", text="Fix is rolling out.")
    ref = await delivery.reply(ALERTS, root, update, fresh_attempt(), broadcast=False)
    assert [c.method for c in slack.calls] == [
        "chat.postMessage",
        "conversations.history",
        "chat.postMessage",
    ]
    history = slack.calls_to("conversations.history")[0].params
    assert (history["latest"], history["oldest"], history["inclusive"]) == (root.id, root.id, "1")
    call = slack.calls_to("chat.postMessage")[1].params
    assert call["thread_ts"] == root.id
    assert call["reply_broadcast"] is False
    assert "Update:* Elevated errors on the Claude API" in call["text"]  # standalone-readable
    assert [m.ts for m in slack.replies("C0ALERTS1", root.id)] == [ref.id]


async def test_resolution_is_broadcast_to_the_channel_too(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    resolved = notice(
        NoticeKind.INCIDENT_RESOLVED,
        severity=Severity.RESOLVED,
        status="resolved",
        text="This incident has been resolved.",
    )
    await delivery.reply(ALERTS, root, resolved, fresh_attempt(), broadcast=True)
    call = slack.calls_to("chat.postMessage")[1].params
    assert call["reply_broadcast"] is True
    assert call["text"].startswith("✅ *Resolved:*")
    assert call["attachments"][0]["color"] == "#2ecc71"


async def test_edit_turns_the_root_into_its_resolved_form(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    closed = notice().closed(datetime(2026, 11, 24, 18, 49, tzinfo=UTC), "resolved")
    await delivery.edit(ALERTS, root, closed)
    [call] = slack.calls_to("chat.update")
    assert (call.params["channel"], call.params["ts"]) == (root.channel, root.id)
    [message] = slack.roots("C0ALERTS1")
    assert message.text == "✅ *Resolved after 47 min:* Elevated errors on the Claude API"
    assert message.attachments[0]["color"] == "#2ecc71"


async def test_429_is_transient_with_slacks_retry_after(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(TransientDeliveryError) as caught:
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert caught.value.retry_after == 7
    assert not slack.messages()
    await delivery.post(ALERTS, notice(), fresh_attempt())  # and the next try goes through
    assert len(slack.roots("C0ALERTS1")) == 1


async def test_429_on_the_root_check_is_transient_too(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    slack.fail("conversations.history", status=429, retry_after=30)
    with pytest.raises(TransientDeliveryError) as caught:
        await delivery.reply(
            ALERTS, root, notice(NoticeKind.INCIDENT_UPDATED), fresh_attempt(), broadcast=False
        )
    assert caught.value.retry_after == 30
    assert not slack.replies("C0ALERTS1", root.id)


async def test_500_is_transient(delivery: SlackDelivery, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=500)
    with pytest.raises(TransientDeliveryError) as caught:
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert caught.value.retry_after is None
    assert len(slack.calls_to("chat.postMessage")) == 1  # no retry of our own


async def test_slack_unreachable_is_transient(revoked: Revocations) -> None:
    async with FakeSlack() as gone:
        url = gone.api_url
    delivery = SlackDelivery(url, Installations(Secret(BOT_TOKEN)), revoked)
    with pytest.raises(TransientDeliveryError):
        await delivery.post(ALERTS, notice(), fresh_attempt())


async def test_not_in_channel_joins_and_posts(delivery: SlackDelivery, slack: FakeSlack) -> None:
    slack.add_channel("C0ALERTS1", member=False)
    await delivery.post(ALERTS, notice(), fresh_attempt())
    assert [c.method for c in slack.calls] == [
        "chat.postMessage",
        "conversations.join",
        "chat.postMessage",
    ]
    assert slack.calls_to("conversations.join")[0].params["channel"] == "C0ALERTS1"
    assert len(slack.roots("C0ALERTS1")) == 1


async def test_not_in_a_private_channel_is_permanent(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    slack.fail("chat.postMessage", error="not_in_channel")
    slack.fail("conversations.join", error="method_not_supported_for_channel_type")
    with pytest.raises(PermanentDeliveryError) as caught:
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert caught.value.reason.startswith("not_in_channel")
    assert "invite the app" in caught.value.reason


@pytest.mark.parametrize(
    "error", ["channel_not_found", "is_archived", "account_inactive", "missing_scope", "not_authed"]
)
async def test_channel_errors_are_permanent(
    delivery: SlackDelivery, slack: FakeSlack, revoked: Revocations, error: str
) -> None:
    slack.fail("chat.postMessage", error=error)
    with pytest.raises(PermanentDeliveryError) as caught:
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert caught.value.reason == error


async def test_an_archived_channel_is_permanent(delivery: SlackDelivery, slack: FakeSlack) -> None:
    slack.add_channel("C0ALERTS1", archived=True)
    with pytest.raises(PermanentDeliveryError, match="is_archived"):
        await delivery.post(ALERTS, notice(), fresh_attempt())


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth"])
async def test_a_dead_token_is_permanent_and_stops_the_whole_workspace(
    delivery: SlackDelivery, slack: FakeSlack, revoked: Revocations, error: str
) -> None:
    slack.fail("chat.postMessage", error=error)
    with pytest.raises(PermanentDeliveryError, match=error):
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert revoked.seen == [(TEAM_ID, error)]


async def test_a_revoked_token_really_revoked(slack: FakeSlack, revoked: Revocations) -> None:
    slack.revoked.add(BOT_TOKEN)
    delivery = SlackDelivery(slack.api_url, Installations(Secret(BOT_TOKEN)), revoked)
    with pytest.raises(PermanentDeliveryError, match="token_revoked"):
        await delivery.post(ALERTS, notice(), fresh_attempt())
    assert revoked.seen == [(TEAM_ID, "token_revoked")]


async def test_a_deleted_root_is_noticed(delivery: SlackDelivery, slack: FakeSlack) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    slack.delete_message("C0ALERTS1", root.id)
    with pytest.raises(ThreadGoneError):
        await delivery.reply(
            ALERTS, root, notice(NoticeKind.INCIDENT_UPDATED), fresh_attempt(), broadcast=False
        )
    assert slack.replies("C0ALERTS1", root.id) == []


async def test_a_deleted_root_with_replies_is_a_tombstone_and_gone_too(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    await delivery.reply(
        ALERTS, root, notice(NoticeKind.INCIDENT_UPDATED), fresh_attempt(), broadcast=False
    )
    slack.delete_message("C0ALERTS1", root.id)
    with pytest.raises(ThreadGoneError):
        await delivery.reply(
            ALERTS, root, notice(NoticeKind.INCIDENT_UPDATED), fresh_attempt(), broadcast=False
        )
    assert len(slack.replies("C0ALERTS1", root.id)) == 1


async def test_editing_a_deleted_root_says_it_is_gone(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    slack.delete_message("C0ALERTS1", root.id)
    with pytest.raises(ThreadGoneError):
        await delivery.edit(ALERTS, root, notice().closed(STARTED, "resolved"))


async def test_without_a_history_scope_replies_still_go_out(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    slack.fail("conversations.history", error="missing_scope")
    await delivery.reply(
        ALERTS, root, notice(NoticeKind.INCIDENT_UPDATED), fresh_attempt(), broadcast=False
    )
    assert len(slack.replies("C0ALERTS1", root.id)) == 1


async def test_refused_blocks_are_resent_as_text(delivery: SlackDelivery, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", error="invalid_blocks")
    await delivery.post(ALERTS, notice(), fresh_attempt())
    first, second = slack.calls_to("chat.postMessage")
    assert "attachments" in first.params
    assert "attachments" not in second.params
    assert second.params["text"] == first.params["text"]


async def test_an_unknown_error_is_transient(delivery: SlackDelivery, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", error="something_new")
    with pytest.raises(TransientDeliveryError, match="something_new"):
        await delivery.post(ALERTS, notice(), fresh_attempt())


async def test_feed_text_that_tries_to_ping_everyone_is_harmless(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    hostile = load_json("bad/summary-hostile.json")
    incident = hostile["incidents"][0]
    body = incident["incident_updates"][0]["body"]
    components = tuple(c["name"] for c in hostile["components"])
    await delivery.post(
        ALERTS,
        notice(title=incident["name"], text=body, components=components, url=incident["shortlink"]),
        fresh_attempt(),
    )
    [call] = slack.calls_to("chat.postMessage")
    sent = json.dumps(call.params, ensure_ascii=False)
    for ping in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U123>",
        "<@W456>",
        "<!subteam^S789>",
        "<#C024BE7LR>",
        "<https://evil.example",
        "<javascript:",
    ):
        assert ping not in sent
    assert "&lt;!channel&gt;" in texts(call.params)
    links = [part.split("|")[0] for part in texts(call.params).split("<")[1:] if "|" in part]
    assert all(link.startswith(("https://stspg.io/", "!date^")) for link in links)
    for hidden in ("\u202e", "\u200b", "\x00", "\u2028"):
        assert hidden not in sent


async def test_a_huge_update_is_cut_to_fit(delivery: SlackDelivery, slack: FakeSlack) -> None:
    huge = load_json("bad/summary-huge-body.json")["incidents"][0]
    body = huge["incident_updates"][0]["body"]
    assert len(body) > 100_000
    await delivery.post(ALERTS, notice(title=huge["name"], text=body), fresh_attempt())
    [call] = slack.calls_to("chat.postMessage")
    assert call.params["attachments"]  # accepted with its blocks, not resent as text
    section = call.params["attachments"][0]["blocks"][0]["text"]["text"]
    assert section.endswith("…")
    assert len(section) <= 3000
    assert len(slack.roots("C0ALERTS1")) == 1
