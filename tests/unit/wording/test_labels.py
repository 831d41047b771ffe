"""bot.wording.labels: the headline, notice, status and history labels, read the same on
Slack, Discord and the terminal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adapters.discord.render import answer_message as discord_answer
from adapters.discord.render import notice_message as discord_notice
from adapters.slack.render import answer_message as slack_answer
from adapters.slack.render import notice_message as slack_notice
from bot.ask.advisor import advise
from bot.ask.status import status_answer
from bot.detect.view import Verdict
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.wording.labels import (
    CLOSED_VERB,
    DAY_SQUARE,
    HEADLINE,
    HISTORY_LEGEND,
    NO_DATA,
    NOTICE_LABEL,
    SEVERITY_EMOJI,
    TEST_NOTE,
    closed_label,
    headline,
    headline_text,
    history_bar,
    impact_label,
    last_days,
    notice_label,
    severity_emoji,
    status_label,
)
from bot.wording.text import capitalised
from tests.unit.helpers import NOW, view_of

# --- the verdict --------------------------------------------------------------------------


def test_every_verdict_has_a_headline_that_answers_the_question() -> None:
    assert set(HEADLINE) == {v.value for v in Verdict}
    assert headline_text(Verdict.OPERATIONAL) == "🟢 No, Claude is up"
    assert headline_text(Verdict.DEGRADED) == "🟡 Claude is degraded"
    assert headline_text(Verdict.OUTAGE) == "🔴 Yes, Claude is having an outage"
    assert headline(Verdict.UNKNOWN) == ("❔", "Unknown: I can't read the status page")
    assert headline("a verdict from a newer core") == headline(Verdict.UNKNOWN)


@pytest.mark.parametrize(
    ("page", "verdict"),
    [
        ("summary-operational.json", Verdict.OPERATIONAL),
        ("summary-minor-incident.json", Verdict.DEGRADED),
        ("summary-major-outage.json", Verdict.OUTAGE),
        ("bad/summary-hostile.json", Verdict.DEGRADED),
        (None, Verdict.UNKNOWN),
    ],
)
def test_slack_and_discord_give_the_same_headline_for_the_same_view(
    page: str | None, verdict: Verdict
) -> None:
    view = view_of(page, readable=page is not None)
    answer = status_answer(view, advise(view, None, None, 0, NOW), NOW)
    assert answer.verdict is verdict
    emoji, words = headline(verdict)
    slack = slack_answer(answer)
    discord = discord_answer(answer)
    assert slack["text"].startswith(f"{emoji} {words}")
    assert slack["blocks"][0]["text"]["text"].startswith(f"{emoji} *{words}*")
    assert discord.embeds[0]["title"] == headline_text(verdict)


# --- notices ------------------------------------------------------------------------------

STARTED = NOW - timedelta(minutes=47)


def a_notice(kind: NoticeKind, severity: Severity = Severity.MAJOR) -> Notice:
    return Notice(
        kind=kind,
        title="Elevated errors",
        severity=severity,
        status="investigating",
        text="Looking into it.",
        at=STARTED,
        components=("Claude API",),
        url="https://stspg.io/abc",
        started_at=STARTED,
        thread_key="incident:1",
    )


def test_every_notice_kind_has_a_label() -> None:
    assert set(NOTICE_LABEL) == {k.value for k in NoticeKind}
    assert set(CLOSED_VERB) <= set(NOTICE_LABEL)
    assert notice_label(NoticeKind.INCIDENT_STARTED, Severity.CRITICAL) == "Critical incident"
    assert notice_label(NoticeKind.INCIDENT_STARTED, Severity.NONE) == "Incident"
    assert notice_label("a kind from a newer core", Severity.MINOR) == "Notice"
    assert closed_label(NoticeKind.INCIDENT_STARTED, 47) == "Resolved after 47 min"
    assert closed_label(NoticeKind.MAINTENANCE_STARTED, None) == "Completed"
    assert closed_label(NoticeKind.INCIDENT_UPDATED, 5) is None


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_slack_and_discord_label_a_notice_the_same_way(kind: NoticeKind) -> None:
    notice = a_notice(kind)
    label = notice_label(kind, Severity.MAJOR)
    assert discord_notice(notice).embeds[0]["title"] == f"🟠 {label}: Elevated errors"
    assert slack_notice(notice)["text"] == f"🟠 *{label}:* Elevated errors"


def test_slack_and_discord_title_a_closed_test_notice_the_same_way() -> None:
    closed = a_notice(NoticeKind.INCIDENT_STARTED).closed(NOW, "resolved").as_test()
    assert discord_notice(closed).embeds[0]["title"] == (
        "🧪 TEST · ✅ Resolved after 47 min: Elevated errors"
    )
    assert slack_notice(closed)["text"] == "🧪 *TEST* · ✅ *Resolved after 47 min:* Elevated errors"
    assert TEST_NOTE in json.dumps(discord_notice(closed).embeds, ensure_ascii=False)
    assert TEST_NOTE in json.dumps(slack_notice(closed), ensure_ascii=False)


# --- impact and status --------------------------------------------------------------------


def test_every_severity_has_an_emoji() -> None:
    assert set(SEVERITY_EMOJI) == {s.value for s in Severity}
    assert severity_emoji(Severity.MAINTENANCE) == "🔧"
    assert severity_emoji("something new") == SEVERITY_EMOJI["unknown"]


def test_labels_of_feed_values() -> None:
    assert status_label("partial_outage") == "partial outage"
    assert status_label("under_maintenance\u202e\n") == "under maintenance"
    assert impact_label("major") == "major impact"
    assert capitalised(status_label("major_outage")) == "Major outage"


# --- history ------------------------------------------------------------------


def test_history_bar_and_legend() -> None:
    assert history_bar(("none", "minor", "major", "critical", "maintenance", "?")) == (
        "🟩🟨🟧🟥🟦" + NO_DATA
    )
    assert all(square in HISTORY_LEGEND for square in DAY_SQUARE.values())
    assert last_days(7) == "The last 7 days"
