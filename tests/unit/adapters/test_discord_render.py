"""Rendering for Discord: escaping hostile text, and staying within Discord's limits."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.render import Message, answer_message, limits, notice_message
from adapters.discord.render.markup import escape, safe_url
from bot.ask.advisor import advise
from bot.ask.answers import HelpAnswer, TextAnswer
from bot.ask.grammar import HELP_WORDS
from bot.ask.history import history_answer
from bot.ask.status import status_answer
from bot.ask.symptoms import parse_symptom
from bot.detect.view import StatusView
from bot.notify.compose import feed_lost_root, incident_root
from bot.notify.notices import Notice, NoticeKind
from bot.statuspage.models import IncidentList, Summary
from bot.statuspage.snapshot import build_snapshot
from fakes.discord_api import validate_message

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "statuspage"
NOW = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]\n]*\]\(")
PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>")


def document(relative: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
    return data


def view_of(relative: str, incidents: str | None = None) -> StatusView:
    history = IncidentList.model_validate(document(incidents)) if incidents else None
    snapshot = build_snapshot(None, Summary.model_validate(document(relative)), history, None, NOW)
    return StatusView(source="https://status.claude.com", snapshot=snapshot, readable=True)


def root_notice(relative: str) -> Notice:
    data = document(relative)
    incident = Summary.model_validate(data.get("summary", data)).incidents[0]
    return incident_root(incident, incident.latest_update)


def text_of(message: Message) -> str:
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def valid(message: Message) -> str:
    """Discord would accept it (the fake's checks); returns its text."""
    validate_message({"content": message.content, "embeds": list(message.embeds)})
    for embed in message.embeds:
        json.dumps(embed)  # plain JSON, as sent
    return text_of(message)


HOSTILE = document("bad/summary-hostile.json")["incidents"][0]["incident_updates"][0]["body"]


def test_escape_makes_mentions_inert() -> None:
    shown = escape(HOSTILE + " <@&123456789012345678> <@123456789012345678>")
    assert PING.search(shown) is None
    assert "@\u200beveryone" in shown
    assert "@\u200bhere" in shown


def test_escape_leaves_no_masked_link() -> None:
    shown = escape("[a](https://x.example) then [Claude status](https://evil.example)")
    assert MASKED_LINK.search(shown) is None
    assert MASKED_LINK.search(escape(HOSTILE)) is None


def test_escape_shows_markdown_literally_and_keeps_urls_clickable() -> None:
    assert escape("**bold** __u__ ||spoiler|| `code` ~x~") == (
        r"\*\*bold\*\* \_\_u\_\_ \|\|spoiler\|\| \`code\` \~x\~"
    )
    assert (
        escape("# Heading\n> quote\n- item\n1. one") == "\\# Heading\n\\> quote\n\\- item\n1\\. one"
    )
    url = "https://status.claude.com/incidents/a_b_c*d"
    assert url.split("*")[0] in escape(f"see {url}")


def test_escape_removes_invisible_and_reordering_characters() -> None:
    shown = escape(HOSTILE)
    for char in ("\u202e", "\u202c", "\u2066", "\u2069", "\u200b\u200c", "\x00", "\r", "\u2028"):
        assert char not in shown.replace("@\u200b", "@")
    assert "👩\u200d💻" in shown  # a joiner inside an emoji stays


def test_keep_code_keeps_our_code_spans_only() -> None:
    assert escape("run `report 503` *now*", keep_code=True) == r"run `report 503` \*now\*"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://x.example/a b", "ftp://x", "", None]
)
def test_unsafe_links_are_dropped(url: str | None) -> None:
    assert safe_url(url) is None


def test_cut_is_clean() -> None:
    assert limits.cut("short", 10) == "short"
    cut = limits.cut("word " * 100, 50)
    assert len(cut) <= 50
    assert cut.endswith("…")
    assert not cut.endswith(" …")
    assert limits.cut("a" * 48 + "\\*" + "b" * 10, 50) == "a" * 48 + "…"  # no lone backslash


def test_fit_stays_within_every_limit() -> None:
    embeds: list[dict[str, Any]] = [
        {
            "title": "t" * 300,
            "description": "d" * 5000,
            "fields": [{"name": "n" * 300, "value": "v" * 2000}] * 30,
            "footer": {"text": "f" * 3000},
        },
        {"description": "x" * 4000},
    ]
    fitted = limits.fit(embeds)
    validate_message({"embeds": fitted})
    assert len(fitted[0]["fields"]) <= limits.FIELDS
    assert embeds[0]["title"] == "t" * 300  # the input is not changed


def test_start_notice_with_hostile_text() -> None:
    notice = root_notice("bad/summary-hostile.json")
    message = notice_message(notice)
    shown = valid(message)
    assert PING.search(shown) is None
    assert MASKED_LINK.search(shown) is None
    (embed,) = message.embeds
    assert embed["title"].startswith("🟡 Minor incident: Elevated errors")
    assert embed["url"] == "https://stspg.io/vcg250ojut9u"
    assert message.content is None


def test_a_huge_body_is_cut_not_rejected() -> None:
    message = notice_message(root_notice("bad/summary-huge-body.json"))
    valid(message)
    (embed,) = message.embeds
    assert embed["description"].endswith("…")
    assert len(embed["title"]) <= limits.TITLE


def test_closed_root_says_resolved_and_how_long() -> None:
    notice = root_notice("scenarios/api-elevated-errors/02.json")
    assert notice.started_at is not None
    closed = notice.closed(notice.started_at + timedelta(minutes=47), "resolved")
    message = notice_message(closed)
    shown = valid(message)
    assert message.embeds[0]["title"].startswith("✅ Resolved after 47 min: ")
    assert "Impact" not in shown


def test_long_durations_read_in_hours_and_days() -> None:
    notice = root_notice("scenarios/api-elevated-errors/02.json")
    assert notice.started_at is not None
    two_hours = notice.closed(notice.started_at + timedelta(minutes=125), "resolved")
    assert "after 2 h 5 min" in valid(notice_message(two_hours))
    days = notice.closed(notice.started_at + timedelta(hours=27), "resolved")
    assert "after 1 day 3 h" in valid(notice_message(days))


def test_test_alerts_are_marked() -> None:
    message = notice_message(root_notice("scenarios/api-elevated-errors/02.json").as_test())
    assert message.embeds[0]["title"].startswith("🧪 TEST · ")
    assert "This is a test notice: nothing is wrong." in valid(message)


def test_feed_lost_and_early_warning() -> None:
    lost = feed_lost_root(NOW, 3, "HTTP 503", "https://status.claude.com")
    assert valid(notice_message(lost)).startswith(
        "\n❔ Status page unreachable: Can't read the status page"
    )
    early = replace(root_notice("scenarios/api-elevated-errors/02.json"), early_warning_minutes=6)
    assert "6 min before the status page" in valid(notice_message(early))


def test_every_notice_kind_renders() -> None:
    root = root_notice("scenarios/api-elevated-errors/02.json")
    for kind in NoticeKind:
        valid(notice_message(replace(root, kind=kind)))


def test_status_answer_with_hostile_feed() -> None:
    view = view_of("bad/summary-hostile.json")
    answer = status_answer(view, advise(view, parse_symptom("503"), 12, 2, NOW), NOW)
    message = answer_message(answer)
    shown = valid(message)
    assert PING.search(shown) is None
    assert MASKED_LINK.search(shown) is None
    status, advice = message.embeds
    assert status["title"] == "🟡 Claude is degraded"  # a minor incident, degraded components
    assert status["color"] == 0xF1C40F
    assert advice["title"] == "What to do about 503"
    assert advice["footer"]["text"] == "2 teammates reported problems in the last 30 min"


def test_status_answer_shows_incident_age_update_and_link() -> None:
    view = view_of("summary-minor-incident.json")
    message = answer_message(status_answer(view, advise(view, None, None, 0, NOW), NOW))
    valid(message)
    incident = message.embeds[0]["fields"][0]
    assert re.search(r"began <t:\d+:R>", incident["value"])
    assert re.search(r"Latest \(<t:\d+:R>\): ", incident["value"])
    assert incident["value"].endswith("https://stspg.io/" + incident["value"].rsplit("/", 1)[1])


def test_many_incidents_and_huge_bodies_fit() -> None:
    data = document("bad/summary-huge-body.json")
    data["incidents"] = [
        {**data["incidents"][0], "id": f"i{n}", "name": f"Incident {n} " + "x" * 300}
        for n in range(12)
    ]
    snapshot = build_snapshot(None, Summary.model_validate(data), None, None, NOW)
    view = StatusView(source="https://status.claude.com", snapshot=snapshot, readable=True)
    message = answer_message(status_answer(view, advise(view, None, None, 0, NOW), NOW))
    shown = valid(message)
    assert "… and 7 more" in shown


def test_answers_before_the_feed_was_read() -> None:
    view = StatusView(source="https://status.claude.com", snapshot=None, readable=False)
    message = answer_message(status_answer(view, advise(view, None, None, 0, NOW), NOW))
    assert message.embeds[0]["title"] == "❔ Unknown: I can't read the status page"
    assert "have not read" in valid(message)


def test_history_bars_and_incidents() -> None:
    view = view_of("summary-minor-incident.json", "incidents.json")
    message = answer_message(history_answer(view, datetime(2026, 11, 13, 12, 0, tzinfo=UTC)))
    shown = valid(message)
    bars, incidents = message.embeds
    lines = bars["description"].splitlines()
    assert re.fullmatch(r"[🟩🟨🟧🟥🟦]{7}  claude\.ai", lines[0])
    assert any("🟨" in line and "Claude API" in line for line in lines)
    assert "🟩 quiet · 🟨 minor" in shown
    assert "Elevated errors on Claude Opus 4.6" in incidents["description"]
    assert "ongoing" in incidents["description"]
    assert "**Elevated errors on Claude Sonnet 4.6 and Haiku 4.5** · 1 h 7 min" in shown
    assert any("🟧" in line for line in lines)  # a major day


def test_text_answers_refusals_are_private_and_escaped() -> None:
    refusal = answer_message(TextAnswer("Nope @everyone **x**", ok=False))
    assert refusal.ephemeral
    assert refusal.content == "🚫 Nope @\u200beveryone \\*\\*x\\*\\*"
    long = answer_message(TextAnswer("y" * 5000))
    assert not long.ephemeral
    assert long.content is not None
    assert len(long.content) == limits.CONTENT


def test_help_quotes_what_was_not_understood_safely() -> None:
    message = answer_message(HelpAnswer(HELP_WORDS, unknown="@everyone [x](https://evil)"))
    shown = valid(message)
    assert PING.search(shown) is None
    assert MASKED_LINK.search(shown) is None
    assert len(message.embeds[0]["fields"]) == len(HELP_WORDS)
    assert message.ephemeral
