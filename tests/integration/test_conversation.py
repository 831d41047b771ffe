"""The core as adapters see it: ``Core.handle`` with the real store, poller and dispatcher,
and a recording chat platform behind the delivery port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from bot.api import ChatContext
from bot.ask.answers import StatusAnswer, TextAnswer
from bot.clock import utc_now
from bot.conversation import Core
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.notices import NoticeKind
from bot.notify.ports import PermanentDeliveryError, Target
from bot.settings import Settings
from bot.store import Store
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.helpers import Wired, wired

ADMIN = ChatContext("slack", "C1", "U1", workspace="T1", user_name="ada")
MEMBER = ChatContext("slack", "C1", "U2", workspace="T1", can_manage=False)


@pytest.fixture
async def bot(database_url: str, statuspage: FakeStatuspage) -> AsyncIterator[tuple[Core, Wired]]:
    """A core whose dispatcher runs six seconds ahead, so the test alert's resolution (due
    five seconds after its start) is delivered at once."""
    statuspage.set_step(scenario_steps("api-elevated-errors")[1])
    async with wired(database_url, statuspage.url) as w:
        await w.poller.poll()
        ahead = Dispatcher(
            w.store, {"slack": w.chat}, lambda: utc_now() + timedelta(seconds=6), Metrics()
        )
        core = Core(
            Settings(), w.store, w.poller, web.Application(), utc_now, Metrics(), ahead.wake
        )
        runner = asyncio.create_task(ahead.run())
        try:
            yield core, w
        finally:
            runner.cancel()
            await ahead.close()


async def test_the_test_word_posts_a_sample_then_resolves_it_in_its_thread(
    bot: tuple[Core, Wired],
) -> None:
    core, w = bot
    answer = await core.answer(core.parse("test"), ADMIN)
    await _until(lambda: len(w.chat.sent) == 3)
    assert isinstance(answer, TextAnswer)
    assert answer.ok
    assert "Posted a test alert" in answer.text
    sent = w.chat.sent
    assert [(s.action, s.notice.kind) for s in sent] == [
        ("post", NoticeKind.INCIDENT_STARTED),
        ("reply", NoticeKind.INCIDENT_RESOLVED),
        ("edit", NoticeKind.INCIDENT_STARTED),
    ]
    assert all(s.notice.is_test for s in sent)
    assert sent[1].broadcast
    assert sent[2].notice.ended_at is not None


async def test_the_test_word_needs_the_subscribe_permission(bot: tuple[Core, Wired]) -> None:
    core, w = bot
    answer = await core.answer(core.parse("test"), MEMBER)
    assert isinstance(answer, TextAnswer)
    assert not answer.ok
    assert "manage" in answer.text
    assert await w.store.pending_count() == 0


async def test_the_test_word_runs_once_a_minute_per_channel(bot: tuple[Core, Wired]) -> None:
    core, _ = bot
    first = await core.answer(core.parse("test"), ADMIN)
    again = await core.answer(core.parse("test"), ADMIN)
    elsewhere = await core.answer(
        core.parse("test"), ChatContext("slack", "C2", "U1", workspace="T1")
    )
    assert isinstance(first, TextAnswer)
    assert isinstance(again, TextAnswer)
    assert isinstance(elsewhere, TextAnswer)
    assert first.ok
    assert elsewhere.ok
    assert not again.ok
    assert "less than a minute ago" in again.text


async def test_the_test_word_says_plainly_when_it_cannot_post(bot: tuple[Core, Wired]) -> None:
    core, w = bot
    w.chat.fail_next = [PermanentDeliveryError("not_in_channel")]
    answer = await core.answer(core.parse("test"), ADMIN)
    assert isinstance(answer, TextAnswer)
    assert not answer.ok
    assert "could not post here (not_in_channel)" in answer.text
    assert "/invite @is-claude-down" in answer.text


async def test_subscribing_mid_incident_announces_it_once_with_its_latest_update(
    bot: tuple[Core, Wired],
) -> None:
    core, w = bot
    answer = await core.answer(core.parse("subscribe"), ADMIN)
    await core.answer(core.parse("subscribe"), ADMIN)  # twice: still one notice
    await _until(lambda: len(w.chat.sent) >= 1)
    await asyncio.sleep(0.2)
    assert isinstance(answer, TextAnswer)
    assert (
        answer.channel_note
        == "ada subscribed this channel to Claude status alerts (all components)."
    )
    assert [s.notice.kind for s in w.chat.sent] == [NoticeKind.INCIDENT_STARTED]


async def test_reports_are_counted_per_team_and_change_the_advice(bot: tuple[Core, Wired]) -> None:
    core, _ = bot
    for user in ("U1", "U2", "U2"):
        await core.answer(
            core.parse("report 503"), ChatContext("slack", "C1", user, workspace="T1")
        )
    other_team = await core.answer(
        core.parse("503"), ChatContext("slack", "C9", "U7", workspace="T2")
    )
    same_team = await core.answer(
        core.parse("503"), ChatContext("slack", "C5", "U9", workspace="T1")
    )
    assert isinstance(same_team, StatusAnswer)
    assert isinstance(other_team, StatusAnswer)
    assert same_team.advice.team_reports == 2
    assert other_team.advice.team_reports == 0


async def test_reports_made_in_another_replica_count_from_the_next_view(
    bot: tuple[Core, Wired], statuspage: FakeStatuspage
) -> None:
    core, w = bot
    team = ChatContext("slack", "C5", "U9", workspace="T1")
    await core.load()
    await w.store.add_report("slack", "T1", "U4", "503", utc_now())  # another replica's
    before = await core.answer(core.parse("503"), team)
    statuspage.set_step(scenario_steps("api-elevated-errors")[2])
    await w.poller.poll()  # a new view: the counts are read again, in the background
    await core.answer(core.parse("503"), team)
    await asyncio.sleep(0.2)
    after = await core.answer(core.parse("503"), team)
    assert isinstance(before, StatusAnswer)
    assert isinstance(after, StatusAnswer)
    assert (before.advice.team_reports, after.advice.team_reports) == (0, 1)


async def test_the_same_question_is_answered_once_until_something_in_it_changes(
    bot: tuple[Core, Wired], statuspage: FakeStatuspage
) -> None:
    core, w = bot
    first = await core.answer(core.parse("503"), ADMIN)
    assert await core.answer(core.parse("503"), MEMBER) is first  # same team, same words, same view
    other_words = await core.answer(core.parse("overloaded"), ADMIN)
    assert other_words is not first
    await core.answer(core.parse("report 503"), ADMIN)
    reported = await core.answer(core.parse("503"), MEMBER)
    assert reported is not first  # a new report
    assert isinstance(reported, StatusAnswer)
    assert reported.advice.team_reports == 1
    statuspage.set_step(scenario_steps("api-elevated-errors")[2])
    await w.poller.poll()
    assert await core.answer(core.parse("503"), MEMBER) is not reported  # a new view


async def test_an_answer_is_made_again_when_an_age_in_its_text_changes(
    bot: tuple[Core, Wired],
) -> None:
    _, w = bot
    now = [utc_now()]
    core = Core(Settings(), w.store, w.poller, web.Application(), lambda: now[0], Metrics(), noop)
    first = await core.answer(core.parse(""), ADMIN)
    now[0] += timedelta(seconds=20)  # "checked just now" still
    assert await core.answer(core.parse(""), ADMIN) is first
    now[0] += timedelta(minutes=2)  # "checked 2 min ago"
    later = await core.answer(core.parse(""), ADMIN)
    assert later is not first
    assert isinstance(later, StatusAnswer)
    assert later.now == now[0]


async def test_a_status_answer_never_waits_on_the_database(bot: tuple[Core, Wired]) -> None:
    """The database is away (nothing listens at its address): the status is still answered,
    from the view and the counts in memory."""
    _, w = bot
    away = Store.open("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    core = Core(Settings(), away, w.poller, web.Application(), utc_now, Metrics(), noop)
    try:
        answer = await asyncio.wait_for(core.answer(core.parse("503"), ADMIN), 1.0)
    finally:
        await away.close()
    assert isinstance(answer, StatusAnswer)
    assert answer.incidents


@pytest.mark.parametrize("words", ["", "503 12m", "history", "help", "frobnicate"])
async def test_questions_are_answered_from_memory_the_same_as_by_answer(
    bot: tuple[Core, Wired], words: str
) -> None:
    """What a burst asks is answered at once, without the database, exactly as ``answer``
    would answer it (the same cached status answer)."""
    _, w = bot
    away = Store.open("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    core = Core(Settings(), away, w.poller, web.Application(), utc_now, Metrics(), noop)
    try:
        at_once = core.answer_from_memory(core.parse(words), ADMIN)
    finally:
        await away.close()
    assert at_once is not None
    assert at_once == await core.answer(core.parse(words), ADMIN)


@pytest.mark.parametrize("words", ["subscribe", "unsubscribe", "report 503", "test", "alerts"])
async def test_commands_that_need_the_database_are_not_answered_from_memory(
    bot: tuple[Core, Wired], words: str
) -> None:
    core, w = bot
    assert core.answer_from_memory(core.parse(words), ADMIN) is None
    assert await w.store.subscription(_target()) is None  # nothing was done


def _target() -> Target:
    return Target("slack", ADMIN.channel, ADMIN.workspace)


def noop() -> None:
    return None


async def _until(check: object, timeout: float = 5.0) -> None:
    assert callable(check)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)
