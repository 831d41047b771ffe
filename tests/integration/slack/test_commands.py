"""``/is-claude-down`` end to end: signed requests into the bot's own server, the real bolt
app and core behind it, answers read from the HTTP response and from the fake Slack."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from adapters.slack import commands
from bot.notify.ports import Target
from fakes.slack_api import TEAM_ID, sign, slash_command, texts
from fakes.statuspage import load_json
from tests.integration.slack.conftest import Bot, eventually

GENERAL = Target("slack", "C0GENERAL", TEAM_ID)


async def test_status_is_answered_privately_with_the_verdict_and_a_share_button(bot: Bot) -> None:
    started = time.perf_counter()
    answer = await bot.command("")
    assert time.perf_counter() - started < 1.0
    assert answer["response_type"] == "ephemeral"
    assert "No, Claude is up" in answer["text"]
    assert "All clear" in texts(answer["blocks"])
    buttons = [b for b in answer["blocks"] if b["type"] == "actions"]
    assert buttons[0]["elements"][0]["action_id"] == "share_answer"
    assert buttons[0]["elements"][0]["value"] == "status"


async def test_a_question_during_an_incident_shows_it_with_its_latest_update_and_link(
    bot: Bot,
) -> None:
    await bot.poll({"summary": load_json("summary-minor-incident.json")})
    answer = await bot.command("is claude down?")
    shown = texts(answer["blocks"])
    assert "Claude is degraded" in answer["text"]
    assert "<https://stspg.io/716u79o8qnw9|Elevated errors on Claude Opus 4.6>" in shown
    assert "We have identified the issue" in shown
    assert "minor impact" in shown
    assert "Claude API (api.anthropic.com): degraded performance" in shown
    assert "Not your setup" in shown


async def test_a_code_gets_its_advice(bot: Bot) -> None:
    answer = await bot.command("503")
    shown = texts(answer["blocks"])
    assert "*What to do about 503*" in shown
    assert "Probably server-side" in shown


async def test_a_code_with_minutes_gets_the_advice_for_that_long(bot: Bot) -> None:
    answer = await bot.command("503 12m")
    shown = texts(answer["blocks"])
    assert "*What to do about 503* (seen for 12 min)" in shown
    assert "now check your side" in shown


async def test_the_answer_does_not_wait_for_the_channel_note(bot: Bot) -> None:
    """bolt answers the HTTP request when the listener returns: the note to the channel goes
    through ``response_url`` in the background, and a slow Slack there delays nothing."""
    bot.slack.hold_responses = asyncio.Event()
    answer = await asyncio.wait_for(bot.command("subscribe"), 10)  # held forever if it waited
    assert "✅ Subscribed" in answer["text"]
    assert not bot.slack.responses  # the note is still on its way
    bot.slack.hold_responses.set()
    await eventually(lambda: bool(bot.slack.responses))
    assert "alice subscribed this channel" in bot.slack.responses[0][1]["text"]


async def test_subscribe_confirms_privately_and_tells_the_channel(bot: Bot) -> None:
    answer = await bot.command("subscribe")
    assert answer["response_type"] == "ephemeral"
    assert "✅ Subscribed" in answer["text"]
    assert not [b for b in answer["blocks"] if b["type"] == "actions"]  # nothing to share
    await eventually(lambda: bool(bot.slack.responses))
    name, note = bot.slack.responses[0]
    assert name == "r1"
    assert note["response_type"] == "in_channel"
    assert "alice subscribed this channel" in note["text"]
    subscription = await bot.app.store.subscription(GENERAL)
    assert subscription is not None
    assert subscription.components == ()


async def test_subscribe_to_named_components(bot: Bot) -> None:
    answer = await bot.command("subscribe Claude Code")
    assert "for Claude Code" in answer["text"]
    subscription = await bot.app.store.subscription(GENERAL)
    assert subscription is not None
    assert subscription.components == ("yyzkbfz2thpt",)


async def test_subscribe_to_an_unknown_component_is_refused(bot: Bot) -> None:
    answer = await bot.command("subscribe Gemini")
    assert answer["text"].startswith("⚠️")
    assert "is not a component" in answer["text"]
    assert await bot.app.store.subscription(GENERAL) is None


async def test_unsubscribe_stops_alerts_and_tells_the_channel(bot: Bot) -> None:
    await bot.command("subscribe")
    answer = await bot.command("unsubscribe")
    assert "Unsubscribed" in answer["text"]
    await eventually(lambda: len(bot.slack.responses) == 2)
    assert "turned off Claude status alerts" in bot.slack.responses[1][1]["text"]
    assert await bot.app.store.subscription(GENERAL) is None


async def test_report_is_counted_for_the_team(bot: Bot) -> None:
    first = await bot.command("report 529")
    assert "Thanks, noted (529). 1 person" in first["text"]
    second = await bot.command("report", user="U0BOB0001", user_name="bob")
    assert "2 people on this team" in second["text"]


async def test_history_shows_a_bar_per_component(bot: Bot) -> None:
    answer = await bot.command("history")
    shown = texts(answer["blocks"])
    assert "The last 7 days" in shown
    assert "🟩🟩🟩🟩🟩🟩🟩  Claude API (api.anthropic.com)" in shown
    assert answer["blocks"][-1]["type"] == "actions"  # history can be shared too


async def test_help_lists_the_words(bot: Bot) -> None:
    answer = await bot.command("help")
    shown = texts(answer["blocks"])
    for word in ("subscribe", "unsubscribe", "report", "history", "help"):
        assert f"*{word}" in shown


async def test_unknown_words_get_help_quoting_them_harmlessly(bot: Bot) -> None:
    answer = await bot.command("frobnicate <!channel> <@U0BOB0001>")
    shown = texts(answer)
    assert "I didn't understand “frobnicate &lt;!channel&gt; &lt;@U0BOB0001&gt;”" in shown
    assert "<!channel>" not in shown
    assert "<@U0BOB0001>" not in shown


def _bad_signature(kind: str, body: str) -> dict[str, str]:
    now = int(time.time())
    if kind == "missing":
        return {}
    if kind == "wrong":
        return {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64}
    if kind == "garbage timestamp":
        return {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64}
    if kind == "stale":
        return sign(body, timestamp=now - 6 * 60)
    return sign(body, secret="another-signing-secret")


@pytest.mark.parametrize("kind", ["missing", "wrong", "garbage timestamp", "stale", "other secret"])
async def test_a_request_without_a_valid_signature_gets_401(
    bot: Bot, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = slash_command("subscribe", response_url=bot.slack.response_url())
    headers = _bad_signature(kind, body)
    with caplog.at_level(logging.DEBUG):
        status, _ = await bot.post_events(body, "application/x-www-form-urlencoded", headers)
    assert status == 401
    assert await bot.app.store.subscription(GENERAL) is None
    assert not bot.slack.responses
    assert "missing, wrong or stale Slack signature" in caplog.text
    assert bot.slack.response_url() not in caplog.text  # bolt's dump of the body is dropped


async def test_a_signature_just_inside_the_five_minutes_is_accepted(bot: Bot) -> None:
    body = slash_command("subscribe", response_url=bot.slack.response_url())
    headers = sign(body, timestamp=int(time.time()) - 4 * 60)
    status, _ = await bot.post_events(body, "application/x-www-form-urlencoded", headers)
    assert status == 200
    assert await bot.app.store.subscription(GENERAL) is not None


async def test_the_share_button_posts_the_answer_in_the_channel(bot: Bot) -> None:
    status = await bot.click("share_answer", "503")
    assert status == 200
    await eventually(lambda: len(bot.slack.responses) == 2)
    (name, shared), (_, cleanup) = bot.slack.responses
    assert name == "click"
    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    shown = texts(shared["blocks"])
    assert "*What to do about 503*" in shown
    assert "Shared by <@U0ALICE01>" in shown
    assert not [b for b in shared["blocks"] if b["type"] == "actions"]
    assert cleanup["delete_original"] is True


async def test_the_share_button_never_runs_a_command_that_changes_something(bot: Bot) -> None:
    await bot.click("share_answer", "subscribe")
    await eventually(lambda: bool(bot.slack.responses))
    assert "Only status and history" in bot.slack.responses[0][1]["text"]
    assert await bot.app.store.subscription(GENERAL) is None


async def test_a_mention_is_answered_in_a_thread_under_it(bot: Bot) -> None:
    event = {
        "type": "app_mention",
        "user": "U0ALICE01",
        "text": "<@U0BOT0001> 529",
        "ts": "1700000100.000100",
        "channel": "C0GENERAL",
        "team": TEAM_ID,
        "event_ts": "1700000100.000100",
    }
    assert await bot.event(event, "Ev001") == 200
    await eventually(lambda: bool(bot.slack.calls_to("chat.postMessage")))
    call = bot.slack.calls_to("chat.postMessage")[0]
    assert call.params["channel"] == "C0GENERAL"
    assert call.params["thread_ts"] == "1700000100.000100"
    assert "What to do about 529" in texts(call.params["blocks"])
    assert not [b for b in call.params["blocks"] if b["type"] == "actions"]


async def test_a_mention_inside_a_thread_answers_in_that_thread_once(bot: Bot) -> None:
    event = {
        "type": "app_mention",
        "user": "U0ALICE01",
        "text": "<@U0BOT0001> subscribe",
        "ts": "1700000200.000200",
        "thread_ts": "1700000100.000100",
        "channel": "C0GENERAL",
        "team": TEAM_ID,
        "event_ts": "1700000200.000200",
    }
    await bot.event(event, "Ev002")
    await bot.event(event, "Ev002")  # Slack's redelivery of the same event
    await eventually(lambda: len(bot.slack.calls_to("chat.postMessage")) >= 2)
    calls = bot.slack.calls_to("chat.postMessage")
    answer, note = calls[0].params, calls[1].params
    assert answer["thread_ts"] == "1700000100.000100"
    assert "Subscribed" in answer["text"]
    assert "subscribed this channel" in note["text"]
    assert "thread_ts" not in note
    assert await bot.app.store.subscription(GENERAL) is not None
    assert len(bot.slack.calls_to("chat.postMessage")) == 2


async def test_uninstalling_the_app_stops_the_workspace_alerts(bot: Bot) -> None:
    await bot.command("subscribe")
    event = {"type": "app_uninstalled", "event_ts": "1700000300.000300"}
    assert await bot.event(event, "Ev003") == 200
    for _ in range(1000):
        if await bot.app.store.subscription(GENERAL) is None:
            break
        await asyncio.sleep(0.01)
    assert await bot.app.store.subscription(GENERAL) is None


async def test_slacks_url_check_is_answered(bot: Bot) -> None:
    """Slack verifies the Request URL of a pasted manifest with a signed challenge."""
    body = '{"token": "x", "challenge": "c-123", "type": "url_verification"}'
    status, answer = await bot.post_events(body, "application/json")
    assert status == 200
    assert answer == {"challenge": "c-123"}


async def test_an_answer_later_than_slacks_three_seconds_comes_through_response_url(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the core is slow (a busy database), the command is acknowledged in time and the
    answer follows through ``response_url``; here the budget is zero, so an answer that waits
    on the database (a subscription) is late. A status answer never is: it comes from memory."""
    monkeypatch.setattr(commands, "ACK_BUDGET_SECONDS", 0.0)
    assert "What to do about 503" in texts((await bot.command("503"))["blocks"])
    answer = await bot.command("subscribe")
    assert answer["text"] == "⏳ Checking…"
    await eventually(lambda: len(bot.slack.responses) >= 2)
    by_kind = {body.get("response_type"): body for _, body in bot.slack.responses}
    assert "Subscribed: this channel" in by_kind["ephemeral"]["text"]
    assert by_kind["ephemeral"]["replace_original"] is False
    assert "subscribed this channel" in by_kind["in_channel"]["text"]
