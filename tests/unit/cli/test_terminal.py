"""bot.cli.terminal: feed text printed to a terminal can never rewrite it, and stays readable."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.ask.advisor import advise
from bot.ask.status import status_answer
from bot.ask.symptoms import parse_symptom
from bot.cli.plain_text import MAX_TEXT, clean
from bot.cli.run import first_read_text
from bot.cli.terminal import notice_text, status_text, wants_colour
from bot.detect.events import IncidentResolved, IncidentStarted
from bot.detect.view import StatusView
from bot.notify.compose import plan
from bot.notify.notices import Notice
from bot.statuspage.models import Incident
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import (
    NOW,
    SOURCE,
    incident_list,
    load_json,
    scenario_steps,
    summary,
    summary_of,
    view_of,
)

OUR_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# The zero-width joiner and non-joiner (U+200C, U+200D) stay, as on every platform
# (``bot.wording.text.clean``): emoji sequences need them and they move nothing on a terminal.
CONTROL = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _incident_notice(fixture: str) -> Notice:
    incident = summary(fixture).incidents[0]
    [planned] = plan(IncidentStarted(incident, incident.latest_update), SOURCE)
    return planned.notice


def _no_control(text: str) -> None:
    assert not CONTROL.search(text), repr(CONTROL.search(text))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("\x1b[31mred\x1b[0m text", "red text"),  # colour
        ("x\x1b[1;1Hy", "xy"),  # cursor move
        ("\x1b]0;pwned title\x07after", "after"),  # window title (OSC, BEL)
        ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),  # hyperlink (OSC, ST)
        ("\x9b31mC1\x9b0m", "C1"),  # the 8-bit CSI
        ("bell\x07 nul\x00 bs\x08 del\x7f", "bell nul bs del"),
        ("rtl \u202etxt.exe\u202c isolate \u2066x\u2069", "rtl txt.exe isolate x"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("tab\tseparated", "tab separated"),
    ],
)
def test_escape_sequences_and_control_characters_are_stripped(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("one<br />two", "one\ntwo"),
        ("one<br>two", "one\ntwo"),
        ("one<br/>two", "one\ntwo"),
        ("one<BR />two", "one\ntwo"),
        ("one\r\ntwo", "one\ntwo"),
        ("one\rtwo", "one\ntwo"),
        ("one\u2028two\u2029three", "one\ntwo\nthree"),
        ("one\ntwo", "one\ntwo"),
    ],
)
def test_line_breaks_become_newlines(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_a_huge_body_is_cut_with_an_ellipsis() -> None:
    body = summary("bad/summary-huge-body.json").incidents[0].latest_update
    assert body is not None
    assert len(body.body) > 100_000
    cut = clean(body.body)
    assert len(cut) <= MAX_TEXT
    assert cut.endswith("…")
    assert clean("x" * 50, limit=10) == "x" * 9 + "…"
    assert clean("x" * 10, limit=10) == "x" * 10


def test_a_huge_notice_prints_within_bounds() -> None:
    text = notice_text(_incident_notice("bad/summary-huge-body.json"), colour=False)
    assert len(text) < MAX_TEXT + 1000
    assert "…" in text


def test_the_hostile_fixture_prints_no_control_character() -> None:
    notice = _incident_notice("bad/summary-hostile.json")
    plain = notice_text(notice, colour=False)
    _no_control(plain)
    assert "\x1b" not in plain
    coloured = notice_text(notice, colour=True)
    _no_control(OUR_COLOUR.sub("", coloured))
    assert "injected line\ncarriage" in plain.replace("    ", "")


def test_a_title_with_a_newline_cannot_forge_a_second_notice_line() -> None:
    incident = summary("summary-minor-incident.json").incidents[0]
    forged = incident.model_copy(
        update={"name": "Minor blip\n2026-11-24 18:31 UTC  RESOLVED Elevated errors"}
    )
    [planned] = plan(IncidentStarted(forged, forged.latest_update), SOURCE)
    lines = notice_text(planned.notice, colour=False).splitlines()
    assert not any(line.startswith("2026-11-24 18:31 UTC") for line in lines)
    assert "Minor blip 2026-11-24 18:31 UTC  RESOLVED" in lines[0]


def test_component_names_and_urls_stay_on_their_line() -> None:
    notice = replace(
        _incident_notice("summary-minor-incident.json"),
        components=("Claude\nAPI",),
        url="https://stspg.io/x\nFAKE LINE",
    )
    lines = notice_text(notice, colour=False).splitlines()
    assert not any(line.startswith("FAKE") or line.strip() == "API" for line in lines)


def test_a_notice_reads_label_title_details_text_and_link() -> None:
    text = notice_text(_incident_notice("summary-minor-incident.json"), colour=False)
    lines = text.splitlines()
    assert lines[0] == "2026-11-12 15:19 UTC  INCIDENT Elevated errors on Claude Opus 4.6"
    assert lines[1] == "    identified · Claude API (api.anthropic.com)"
    assert lines[-1] == "    https://stspg.io/716u79o8qnw9"
    assert all(line.startswith("    ") for line in lines[1:])


def test_colour_only_when_asked() -> None:
    notice = _incident_notice("summary-minor-incident.json")
    assert "\x1b" not in notice_text(notice, colour=False)
    assert "\x1b[33mINCIDENT\x1b[0m" in notice_text(notice, colour=True)


def test_test_notices_are_marked() -> None:
    notice = _incident_notice("summary-minor-incident.json")
    assert (
        notice_text(notice.as_test(), colour=False).split("  ", 1)[1].startswith("[TEST] INCIDENT")
    )
    assert "[TEST]" not in notice_text(notice, colour=False)
    assert "[TEST]" in notice_text(notice.as_test(), colour=True)


def test_the_edited_root_says_it_is_closed_and_how_long_it_lasted() -> None:
    step = scenario_steps("api-elevated-errors")[5]
    incident: Incident = incident_list(step["incidents"]).incidents[0]  # type: ignore[union-attr]
    _, edit = plan(IncidentResolved(incident, incident.latest_update), SOURCE)
    text = notice_text(edit.notice, colour=False, edited=True)
    assert text.splitlines()[0].endswith(
        "INCIDENT (now resolved) Elevated errors on the Claude API"
    )
    assert "lasted 1 h 21 min" in text
    resolved, _ = plan(IncidentResolved(incident, incident.latest_update), SOURCE)
    assert "lasted 1 h 21 min" in notice_text(resolved.notice, colour=False)


def test_the_status_text_puts_the_verdict_first_then_steps_then_what_not_to_do() -> None:
    view = view_of("summary-minor-incident.json")
    advice = advise(view, parse_symptom("503"), 4, 0, NOW)
    text = status_text(status_answer(view, advice, NOW), colour=False)
    lines = text.splitlines()
    assert lines[0] == "DEGRADED: Partially Degraded Service (checked just now)"
    assert lines[1].startswith("  • Elevated errors on Claude Opus 4.6 [minor, identified, began")
    summary_at = lines.index(advice.summary)
    steps = [n for n, line in enumerate(lines) if re.match(r"  \d\. ", line)]
    avoid = [n for n, line in enumerate(lines) if line.startswith("  ✗ ")]
    assert len(steps) == len(advice.steps)
    assert summary_at < min(steps)
    assert max(steps) < min(avoid)


def test_the_status_text_of_a_hostile_page_prints_no_control_character() -> None:
    view = view_of("bad/summary-hostile.json")
    answer = status_answer(view, advise(view, None, None, 0, NOW), NOW)
    text = status_text(answer, colour=False)
    _no_control(text)
    assert all(len(line) < 700 for line in text.splitlines())


def test_an_incident_name_with_newlines_stays_on_its_status_line() -> None:
    raw = load_json("summary-minor-incident.json")
    raw["incidents"][0]["name"] = "Errors\nUNKNOWN: fake headline"
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    text = status_text(status_answer(view, advise(view, None, None, 0, NOW), NOW), colour=False)
    assert not any(line.startswith("UNKNOWN") for line in text.splitlines())


def test_the_status_text_of_an_unreadable_feed_says_unknown_with_the_age() -> None:
    view = view_of("summary-operational.json", readable=False, fetched_at=NOW - timedelta(hours=3))
    answer = status_answer(view, advise(view, None, None, 0, NOW), NOW)
    text = status_text(answer, colour=False)
    assert text.splitlines()[0].startswith("UNKNOWN: ")
    assert "3 h ago" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_color_turns_colour_off_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(_Terminal())
    assert not wants_colour(io.StringIO())  # a pipe or a file: never
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Terminal())


def test_a_maintenance_in_progress_reads_as_words() -> None:
    view = view_of("summary-maintenance.json")
    answer = status_answer(view, advise(view, None, None, 0, NOW), NOW)
    text = status_text(answer, colour=False)
    assert "in_progress" not in text
    assert "[in progress]" in text


def test_the_first_read_of_watch_is_the_state_or_that_it_cannot_read_yet() -> None:
    view = view_of("summary-minor-incident.json")
    shown = first_read_text(view, 30, colour=False)
    assert shown.startswith("Now: DEGRADED: Partially Degraded Service (checked just now)\n")
    assert "Don't" not in shown  # the state, not the advice
    failed = StatusView(
        SOURCE, None, readable=False, last_error="timeout: summary", consecutive_failures=1
    )
    assert first_read_text(failed, 30, colour=False) == (
        "Can't read the status page yet: retrying every 30 s (timeout: summary)."
    )
