"""Slack: every notice carries its delivery in message metadata, and a try that may repeat an
earlier one (``Attempt.maybe_sent_at``) reads the channel back from just before that try and
takes the message it finds instead of posting it again."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.slack import metadata
from adapters.slack.delivery import SlackDelivery
from adapters.slack.installations import Installations
from bot.notify.notices import NoticeKind
from bot.notify.ports import Attempt, TransientDeliveryError
from bot.settings import Secret
from fakes.slack_api import BOT_TOKEN, FakeSlack
from tests.integration.helpers import fresh_attempt
from tests.integration.slack.test_delivery import ALERTS, notice

CHANNEL = ALERTS.channel
UPDATE = notice(NoticeKind.INCIDENT_UPDATED)


async def _ignore(team: str, reason: str) -> None:
    return None


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def delivery(slack: FakeSlack) -> SlackDelivery:
    return SlackDelivery(slack.api_url, Installations(Secret(BOT_TOKEN)), _ignore)


def again(attempt: Attempt, tried_at: datetime) -> Attempt:
    """The same delivery, tried again after a try (begun at ``tried_at``) lost its answer."""
    return Attempt(attempt.delivery, tried_at)


async def test_every_post_carries_its_delivery_in_metadata(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    start, update = fresh_attempt(), fresh_attempt()
    root = await delivery.post(ALERTS, notice(), start)
    await delivery.reply(ALERTS, root, UPDATE, update, broadcast=False)
    assert [c.params["metadata"] for c in slack.calls_to("chat.postMessage")] == [
        {"event_type": "is_claude_down_delivery", "event_payload": {"delivery": start.delivery}},
        {"event_type": "is_claude_down_delivery", "event_payload": {"delivery": update.delivery}},
    ]


async def test_a_first_try_reads_nothing_back(delivery: SlackDelivery, slack: FakeSlack) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    await delivery.reply(ALERTS, root, UPDATE, fresh_attempt(), broadcast=False)
    assert slack.calls_to("conversations.replies") == []
    assert len(slack.calls_to("conversations.history")) == 1  # the root check before a reply


async def test_a_start_notice_posted_by_a_try_that_lost_its_answer_is_found(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    first = await delivery.post(ALERTS, notice(), attempt)
    found = await delivery.post(ALERTS, notice(), again(attempt, tried_at))
    assert found == first
    assert len(slack.roots(CHANNEL)) == 1
    [read] = slack.calls_to("conversations.history")
    assert read.params["include_all_metadata"] in (True, "1", "true")
    assert float(read.params["oldest"]) == pytest.approx(
        (tried_at - metadata.CLOCK_MARGIN).timestamp()
    )


async def test_a_thread_reply_posted_by_a_try_that_lost_its_answer_is_found(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    root = await delivery.post(ALERTS, notice(), fresh_attempt())
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    first = await delivery.reply(ALERTS, root, UPDATE, attempt, broadcast=False)
    found = await delivery.reply(ALERTS, root, UPDATE, again(attempt, tried_at), broadcast=False)
    assert found == first
    assert len(slack.replies(CHANNEL, root.id)) == 1
    [read] = slack.calls_to("conversations.replies")
    assert read.params["ts"] == root.id


async def test_a_try_that_posted_nothing_is_posted(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    other = await delivery.post(ALERTS, notice(), fresh_attempt())  # someone else's delivery
    attempt = fresh_attempt(datetime.now(UTC))
    ref = await delivery.post(ALERTS, notice(), attempt)
    assert ref != other
    assert len(slack.roots(CHANNEL)) == 2


async def test_the_message_is_found_on_a_later_page(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    first = await delivery.post(ALERTS, notice(), attempt)
    for _ in range(metadata.PAGE_SIZE + 5):  # the channel goes on; newest come first
        await delivery.post(ALERTS, notice(), fresh_attempt())
    found = await delivery.post(ALERTS, notice(), again(attempt, tried_at))
    assert found == first
    assert len(slack.calls_to("conversations.history")) == 2
    assert {int(c.params["limit"]) for c in slack.calls_to("conversations.history")} == {
        metadata.PAGE_SIZE
    }


async def test_only_messages_since_just_before_the_try_are_read(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    attempt = fresh_attempt()
    await delivery.post(ALERTS, notice(), attempt)
    # An earlier try long before this message: the message is outside the window... and so
    # is the same delivery posted an hour later: the window starts just before the try.
    an_hour_later = datetime.now(UTC) + timedelta(hours=1)
    await delivery.post(ALERTS, notice(), again(attempt, an_hour_later))
    assert len(slack.roots(CHANNEL)) == 2


@pytest.mark.parametrize("error", ["missing_scope", "channel_not_found"])
async def test_a_channel_that_cannot_be_read_back_is_posted_to(
    delivery: SlackDelivery, slack: FakeSlack, error: str
) -> None:
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    await delivery.post(ALERTS, notice(), attempt)
    slack.fail("conversations.history", error=error)
    await delivery.post(ALERTS, notice(), again(attempt, tried_at))
    assert len(slack.roots(CHANNEL)) == 2  # what docs/reliability.md says remains there


async def test_a_rate_limited_read_waits_and_posts_nothing(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    await delivery.post(ALERTS, notice(), attempt)
    slack.fail("conversations.history", status=429, retry_after=60)
    with pytest.raises(TransientDeliveryError) as raised:
        await delivery.post(ALERTS, notice(), again(attempt, tried_at))
    assert raised.value.retry_after == 60
    assert len(slack.roots(CHANNEL)) == 1


async def test_a_rate_limit_on_a_later_page_is_waited_out_in_place(
    delivery: SlackDelivery, slack: FakeSlack
) -> None:
    attempt, tried_at = fresh_attempt(), datetime.now(UTC)
    first = await delivery.post(ALERTS, notice(), attempt)
    for _ in range(metadata.PAGE_SIZE + 1):
        await delivery.post(ALERTS, notice(), fresh_attempt())
    slack.fail("conversations.history", status=429, retry_after=0.3, skip=1)  # page 2
    started = time.monotonic()
    found = await delivery.post(ALERTS, notice(), again(attempt, tried_at))
    assert found == first
    assert time.monotonic() - started >= 0.3
    assert len(slack.calls_to("conversations.history")) == 3  # page 1, page 2 (429), page 2
