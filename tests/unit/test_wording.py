"""The words every renderer shares: written once in ``bot.wording``, read the same on Slack,
Discord and the terminal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adapters.discord.render import answer_message as discord_answer
from adapters.discord.render import notice_message as discord_notice
from adapters.discord.render.markup import escape as discord_escape
from adapters.slack.render import answer_message as slack_answer
from adapters.slack.render import markup as slack_markup
from adapters.slack.render import notice_message as slack_notice
from bot.ask.advisor import advise
from bot.ask.status import status_answer
from bot.cli import terminal
from bot.detect.view import Verdict
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.wording import (
    CLOSED_VERB,
    DAY_SQUARE,
    HEADLINE,
    HISTORY_LEGEND,
    NO_DATA,
    NOTICE_LABEL,
    SEVERITY_EMOJI,
    TEST_NOTE,
    advice_heading,
    age_text,
    and_more,
    capitalised,
    clean,
    closed_label,
    duration_text,
    ended_after,
    headline,
    headline_text,
    history_bar,
    impact_label,
    last_days,
    notice_label,
    one_line,
    seen_early,
    severity_emoji,
    status_label,
    warning_outcome,
)
from tests.unit.helpers import NOW, view_of

# --- cleaning -----------------------------------------------------------------------------

HIDDEN = (
    "\u00ad",  # soft hyphen
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200e\u200f",  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e",  # embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064",  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069",  # isolates
    "\ufeff",  # byte-order mark
    "\ufff9\ufffa\ufffb",  # interlinear annotation
    "\U000e0001\U000e0041\U000e007f",  # tag characters (hidden text)
    "\x00\x01\x07\x08\x0e\x1b\x1f\x7f",  # C0 controls and DEL
    "\x80\x9b\x9f",  # C1 controls (\x85 is a line break, below)
)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_clean_drops_invisible_reordering_and_control_characters(hidden: str) -> None:
    assert clean(f"ev{hidden}ery{hidden}one") == "everyone"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\x0bb\x0cc\x85d", "a\nb\nc\nd"),
        ("one<br />two<BR>three<br/>four", "one\ntwo\nthree\nfour"),
        ("tab\tseparated", "tab separated"),
        ("a\n\n\n\n\nb", "a\n\nb"),
    ],
)
def test_clean_makes_line_breaks_plain(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_keeps_joiners_that_emoji_and_scripts_need() -> None:
    coder = "👩\u200d💻"
    persian = "می\u200cخواهم"  # a real word with a zero-width non-joiner
    assert clean(f"{coder} {persian}") == f"{coder} {persian}"


def test_clean_escapes_nothing() -> None:
    assert clean("<!channel> @everyone *bold* &amp;") == "<!channel> @everyone *bold* &amp;"


def test_one_line_folds_every_line_break_and_space_run() -> None:
    assert one_line("  Errors\nUNKNOWN: fake\u2028line\t x ") == "Errors UNKNOWN: fake line x"


HOSTILE = "Claude\u202e gnp.exe\u202c is\u200b \x07 fine\u2066\u2069\x00 " + "".join(HIDDEN)


def test_slack_discord_and_the_terminal_clean_hostile_text_the_same_way() -> None:
    """No markup characters in ``HOSTILE``, so what each renderer shows is its cleaning alone."""
    expected = "Claude gnp.exe is  fine "
    assert clean(HOSTILE) == expected
    assert slack_markup.body(HOSTILE, 1000) == expected.strip()
    assert slack_markup.inline(HOSTILE) == one_line(expected)
    assert discord_escape(HOSTILE) == expected
    assert terminal.clean(HOSTILE) == expected


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
    assert capitalised("") == ""


# --- time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (47, "47 min"),
        (60, "1 h"),
        (125, "2 h 5 min"),
        (24 * 60, "1 day"),
        (27 * 60, "1 day 3 h"),
        (3 * 24 * 60 + 4 * 60 + 30, "3 days 4 h"),
    ],
)
def test_duration_text(minutes: int, text: str) -> None:
    assert duration_text(minutes) == text


def test_ended_after() -> None:
    assert ended_after(0) == "within a minute"
    assert ended_after(47) == "after 47 min"
    assert ended_after(125) == "after 2 h 5 min"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-600, "just now"),
        (0, "just now"),
        (89, "just now"),
        (12 * 60, "12 min ago"),
        (89 * 60, "89 min ago"),
        (3 * 3600, "3 h ago"),
        (35 * 3600, "35 h ago"),
        (2 * 86400, "2 days ago"),
    ],
)
def test_age_text(seconds: int, text: str) -> None:
    assert age_text(NOW, NOW + timedelta(seconds=seconds)) == text


# --- early warnings -----------------------------------------------------------------------


def test_seen_early() -> None:
    assert seen_early(6) == (
        "Seen early: the early warning fired 6 min before the status page posted it."
    )
    assert "1 h 5 min before" in seen_early(65)


def test_how_a_past_early_warning_ended() -> None:
    confirmed = warning_outcome("Elevated\u202e errors\n<!channel>", 8, closed=True)
    assert confirmed == ("⏱️", "confirmed by Elevated errors <!channel>, 8 min early")
    assert warning_outcome("X", None, closed=True)[1] == "confirmed by X, 0 min early"
    assert warning_outcome(None, None, closed=False) == ("⚠️", "still open")
    assert warning_outcome(None, None, closed=True) == ("✅", "cleared without an incident")


# --- history and answers ------------------------------------------------------------------


def test_history_bar_and_legend() -> None:
    assert history_bar(("none", "minor", "major", "critical", "maintenance", "?")) == (
        "🟩🟨🟧🟥🟦" + NO_DATA
    )
    assert all(square in HISTORY_LEGEND for square in DAY_SQUARE.values())
    assert last_days(7) == "The last 7 days"


def test_advice_heading_and_more() -> None:
    assert advice_heading(None) == "What to do"
    assert advice_heading("529") == "What to do about 529"
    assert advice_heading("5\n29\u202e") == "What to do about 5 29"
    assert and_more(3) == "… and 3 more"
