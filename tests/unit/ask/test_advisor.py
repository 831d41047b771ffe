"""bot.ask.advisor: the contract's advice table, row by row, and the wording of each kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.ask.advisor import Advice, advise, choose_kind
from bot.ask.playbook import LOCAL_CHECK_AFTER_MINUTES, PLAYBOOK, TERMINAL, AdviceKind
from bot.ask.symptoms import Symptom, parse_symptom
from bot.detect.view import StatusView
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import NOW, SOURCE, load_json, summary_of, view_of


def _constructed(change: Callable[[dict[str, Any]], None]) -> StatusView:
    raw = load_json("summary-operational.json")
    change(raw)
    return StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)


def _component_degraded(raw: dict[str, Any]) -> None:
    raw["components"][2]["status"] = "degraded_performance"
    raw["status"] = {"indicator": "minor", "description": "Partially Degraded Service"}


def _maintenance_scheduled_later(raw: dict[str, Any]) -> None:
    raw["scheduled_maintenances"] = [
        load_json("summary-maintenance.json")["scheduled_maintenances"][1]
    ]


PAGES: dict[str, Callable[[], StatusView]] = {
    "operational": lambda: view_of("summary-operational.json"),
    "minor": lambda: view_of("summary-minor-incident.json"),
    "major": lambda: view_of("summary-major-outage.json"),
    "critical": lambda: view_of("summary-critical.json"),
    "maintenance": lambda: view_of("summary-maintenance.json"),
    "monitoring+maintenance": lambda: view_of("endpoints/api/v2/summary.json"),
    "unknown-enums": lambda: view_of("bad/summary-unknown-enums.json"),
    "other-page": lambda: view_of("summary-other-page-groups.json"),
    "component-only": lambda: _constructed(_component_degraded),
    "scheduled-later": lambda: _constructed(_maintenance_scheduled_later),
    "unreadable": lambda: view_of("summary-operational.json", readable=False),
    "unreadable-minor": lambda: view_of("summary-minor-incident.json", readable=False),
    "never-read": lambda: view_of(None, readable=False),
}

RATE, CRED, BAD = AdviceKind.RATE_LIMIT, AdviceKind.CREDENTIALS, AdviceKind.BAD_REQUEST
UNKNOWN, KNOWN = AdviceKind.FEED_UNKNOWN, AdviceKind.KNOWN_INCIDENT
MAINT, WAIT, LOCAL, CLEAR = (
    AdviceKind.MAINTENANCE,
    AdviceKind.WAIT,
    AdviceKind.LOCAL_CHECK,
    AdviceKind.ALL_CLEAR,
)

TABLE = [
    # page, code, minutes, team reports -> kind
    # rate-limit: 429, whatever the page says
    ("operational", "429", None, 0, RATE),
    ("minor", "429", 30, 0, RATE),
    ("critical", "429", None, 5, RATE),
    ("unreadable", "429", None, 0, RATE),
    ("never-read", "429", 15, 0, RATE),
    ("maintenance", "429", None, 0, RATE),
    ("operational", "ratelimited", None, 0, RATE),
    ("operational", "throttled", None, 0, RATE),
    # credentials: 401, 403, whatever the page says
    ("operational", "401", None, 0, CRED),
    ("operational", "403", None, 0, CRED),
    ("unreadable", "401", None, 0, CRED),
    ("never-read", "403", None, 0, CRED),
    ("major", "401", 20, 0, CRED),
    ("maintenance", "403", None, 0, CRED),
    ("operational", "unauthorized", None, 0, CRED),
    ("operational", "forbidden", None, 0, CRED),
    # bad-request: 400, 404, 413 and other 4xx
    ("operational", "400", None, 0, BAD),
    ("operational", "404", None, 0, BAD),
    ("operational", "413", None, 0, BAD),
    ("operational", "422", 12, 0, BAD),
    ("minor", "400", None, 0, BAD),
    ("critical", "404", None, 0, BAD),
    ("unreadable", "413", None, 0, BAD),
    ("maintenance", "400", None, 0, BAD),
    # feed-unknown: beats known-incident and everything after it
    ("unreadable", "503", 4, 0, UNKNOWN),
    ("unreadable", None, None, 0, UNKNOWN),
    ("unreadable-minor", "529", 30, 0, UNKNOWN),
    ("unreadable-minor", None, None, 0, UNKNOWN),
    ("never-read", "overloaded", None, 0, UNKNOWN),
    ("never-read", None, None, 0, UNKNOWN),
    ("never-read", "timeout", 60, 3, UNKNOWN),
    # known-incident: any 5xx, 529, overloaded, timeout or no code during an incident
    ("minor", "503", 4, 0, KNOWN),
    ("minor", "529", 30, 0, KNOWN),
    ("minor", "500", None, 0, KNOWN),
    ("minor", "overloaded", 12, 0, KNOWN),
    ("minor", "timeout", 12, 0, KNOWN),
    ("minor", None, None, 0, KNOWN),
    ("major", "503", 120, 0, KNOWN),
    ("critical", "529", None, 0, KNOWN),
    ("critical", None, None, 0, KNOWN),
    ("unknown-enums", "503", None, 0, KNOWN),
    ("other-page", "502", 3, 0, KNOWN),
    ("component-only", "503", 15, 0, KNOWN),
    ("component-only", None, None, 0, KNOWN),
    ("monitoring+maintenance", "503", None, 0, KNOWN),
    ("monitoring+maintenance", None, None, 0, KNOWN),
    # maintenance: in progress and nothing above
    ("maintenance", None, None, 0, MAINT),
    ("maintenance", "503", 30, 0, MAINT),
    ("maintenance", "529", None, 2, MAINT),
    ("maintenance", "timeout", 5, 0, MAINT),
    # wait / local-check: a server-side symptom with nothing on the page
    ("operational", "503", None, 0, WAIT),
    ("operational", "503", 0, 0, WAIT),
    ("operational", "503", 9, 0, WAIT),
    ("operational", "503", 10, 0, LOCAL),
    ("operational", "503", 11, 0, LOCAL),
    ("operational", "503", 10, 1, WAIT),
    ("operational", "503", 120, 3, WAIT),
    ("operational", "503", None, 2, WAIT),
    ("operational", "529", 9, 0, WAIT),
    ("operational", "529", 12, 0, LOCAL),
    ("operational", "overloaded", 4, 0, WAIT),
    ("operational", "overloaded", 10, 0, LOCAL),
    ("operational", "timeout", 9, 0, WAIT),
    ("operational", "timeout", 45, 0, LOCAL),
    ("operational", "500", 30, 0, LOCAL),
    ("operational", "api_error", 2, 0, WAIT),
    ("scheduled-later", "503", 12, 0, LOCAL),
    ("scheduled-later", "503", 3, 0, WAIT),
    # all-clear: no code and nothing active
    ("operational", None, None, 0, CLEAR),
    ("operational", None, 30, 0, CLEAR),
    ("scheduled-later", None, None, 0, CLEAR),
]


def _view_args(
    page: str, code: str | None, minutes: int | None, reports: int
) -> tuple[StatusView, Symptom | None, int | None, int, Any]:
    return PAGES[page](), parse_symptom(code) if code else None, minutes, reports, NOW


def _advise(page: str, code: str | None, minutes: int | None, reports: int) -> Advice:
    return advise(*_view_args(page, code, minutes, reports))


@pytest.mark.parametrize(("page", "code", "minutes", "reports", "kind"), TABLE)
def test_advice_kind_row_by_row(
    page: str, code: str | None, minutes: int | None, reports: int, kind: AdviceKind
) -> None:
    advice = _advise(page, code, minutes, reports)
    assert advice.kind is kind
    assert (
        choose_kind(PAGES[page](), parse_symptom(code) if code else None, minutes, reports) is kind
    )


def test_the_table_covers_every_kind() -> None:
    assert {row[-1] for row in TABLE} == set(AdviceKind)


def test_local_steps_start_at_ten_minutes() -> None:
    assert LOCAL_CHECK_AFTER_MINUTES == 10


# One case of each kind, for the wording checks.
ONE_OF_EACH = {
    RATE: ("operational", "429", None, 0),
    CRED: ("operational", "401", None, 0),
    BAD: ("operational", "413", None, 0),
    UNKNOWN: ("unreadable-minor", "503", 4, 0),
    KNOWN: ("minor", "529", 5, 0),
    MAINT: ("maintenance", "503", 5, 0),
    WAIT: ("operational", "503", 4, 2),
    LOCAL: ("operational", "503", 12, 0),
    CLEAR: ("operational", None, None, 0),
}

VERDICT_FIRST = {
    RATE: "HTTP 429: your organisation's rate limit, not an outage.",
    CRED: "HTTP 401: your API key or its permissions, not an outage.",
    BAD: "HTTP 413: the request itself was refused, not an outage.",
    UNKNOWN: "Unknown: I can't read the status page right now.",
    KNOWN: "Not your setup:",
    MAINT: "Expected: scheduled maintenance in progress:",
    WAIT: "Probably server-side and not posted yet",
    LOCAL: "Seen for 12 min with nothing on the status page and no teammate reports",
    CLEAR: "All clear: all systems operational.",
}


@pytest.mark.parametrize("kind", list(AdviceKind))
def test_every_kind_is_filled_in_with_no_placeholder_left(kind: AdviceKind) -> None:
    advice = _advise(*ONE_OF_EACH[kind])
    assert advice.kind is kind
    assert advice.summary.strip()
    assert 1 <= len(advice.steps) <= 4
    assert all(step.strip() for step in advice.steps)
    if kind is not CLEAR:
        assert advice.avoid, "every warning says what not to do"
    for text in (advice.summary, *advice.steps, *advice.avoid):
        assert not re.search(r"\{\w*\}", text), text


@pytest.mark.parametrize("kind", list(AdviceKind))
def test_every_kind_says_its_verdict_first(kind: AdviceKind) -> None:
    assert _advise(*ONE_OF_EACH[kind]).summary.startswith(VERDICT_FIRST[kind])


@pytest.mark.parametrize("kind", list(AdviceKind))
def test_the_playbook_has_at_most_four_steps_per_kind(kind: AdviceKind) -> None:
    assert 1 <= len(PLAYBOOK[kind].steps) <= 4


@pytest.mark.parametrize("kind", [KNOWN, WAIT])
def test_server_side_advice_says_not_to_touch_the_setup(kind: AdviceKind) -> None:
    avoid = " ".join(_advise(*ONE_OF_EACH[kind]).avoid).lower()
    for word in ("reinstall", "keys", "restart", "caches"):
        assert word in avoid


def test_known_incident_names_the_incident_and_links_its_shortlink() -> None:
    view = view_of("summary-minor-incident.json")
    began = view.open_incidents[0].began_at
    advice = advise(view, parse_symptom("503"), 4, 0, began + timedelta(minutes=26))
    assert '"Elevated errors on Claude Opus 4.6"' in advice.summary
    assert "identified, began 26 min ago" in advice.summary
    assert "Follow it: https://stspg.io/716u79o8qnw9" in advice.steps
    assert any("resolved" in step for step in advice.steps)


def test_known_incident_with_two_incidents_names_the_newest_and_links_that_one() -> None:
    raw = load_json("summary-minor-incident.json")
    newer = load_json("summary-major-outage.json")["incidents"][0]
    raw["incidents"].append(newer)  # listed after the older one
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    advice = advise(view, None, None, 0, NOW)
    assert advice.kind is KNOWN
    assert newer["name"] in advice.summary
    assert "and 1 more" in advice.summary
    assert f"Follow it: {newer['shortlink']}" in advice.steps


def test_known_incident_from_a_component_status_alone_names_the_component() -> None:
    advice = _advise("component-only", "503", 15, 0)
    assert "the status page reports Claude API (api.anthropic.com) degraded performance" in (
        advice.summary
    )
    assert f"Follow it: {SOURCE}" in advice.steps


def test_feed_unknown_says_the_last_known_state_and_its_age() -> None:
    view = view_of("summary-minor-incident.json", readable=False, fetched_at=NOW)
    advice = advise(view, parse_symptom("503"), 4, 0, NOW + timedelta(minutes=12))
    assert advice.summary == (
        "Unknown: I can't read the status page right now. "
        "Last known (12 min ago): Partially Degraded Service. "
        "HTTP 503 is a server-side error, not your key or your request: wait 2–5 minutes and "
        "retry before you change anything."
    )
    assert f"Open {SOURCE} in a browser." in advice.steps
    assert any("Wait a few minutes" in step for step in advice.steps)


def test_feed_unknown_without_a_code_says_nothing_of_one() -> None:
    view = view_of("summary-minor-incident.json", readable=False, fetched_at=NOW)
    advice = advise(view, None, None, 0, NOW)
    assert "server-side" not in advice.summary
    assert advice.summary.endswith("Partially Degraded Service.")


def test_feed_unknown_with_a_word_still_says_what_it_means() -> None:
    view = view_of("summary-minor-incident.json", readable=False, fetched_at=NOW)
    advice = advise(view, parse_symptom("overloaded"), 12, 0, NOW)
    assert "Overloaded (HTTP 529) is a server-side error" in advice.summary
    timeout = advise(view, parse_symptom("timeout"), 12, 0, NOW)
    assert "A timeout is a server-side error" in timeout.summary


def test_advice_names_commands_as_typed_where_it_is_read() -> None:
    chat = _advise("operational", "503", 4, 2)
    terminal = advise(*_view_args("operational", "503", 4, 2), phrasing=TERMINAL)
    assert any("`report 503`" in step for step in chat.steps)
    assert any("`is-claude-down report 503`" in step for step in terminal.steps)
    assert not any("`report 503`" in step for step in terminal.steps)
    clear = advise(*_view_args("operational", None, None, 0), phrasing=TERMINAL)
    assert "`is-claude-down status --code 503 --since 12`" in clear.steps[0]
    bare = _advise("operational", "timeout", 12, 0)
    assert any("`report timeout`" in step for step in bare.steps)


def test_feed_unknown_before_any_good_read_says_so() -> None:
    advice = _advise("never-read", None, None, 0)
    assert "I have not read it successfully yet." in advice.summary


def test_maintenance_advice_names_it_and_its_end_time() -> None:
    advice = _advise("maintenance", "503", 5, 0)
    assert advice.summary == (
        "Expected: scheduled maintenance in progress: "
        "Scheduled maintenance for platform.claude.com, until 19:00 UTC."
    )
    assert "Retry after 19:00 UTC." in advice.steps


def test_wait_advice_says_wait_two_to_five_minutes_and_counts_teammates() -> None:
    advice = _advise("operational", "503", 4, 2)
    assert "2 teammates reported it in the last 30 min" in advice.summary
    assert advice.steps[0].startswith("Wait 2–5 minutes")
    assert any("`report 503`" in step for step in advice.steps)
    assert "1 teammate reported it" in _advise("operational", "503", 4, 1).summary
    assert "teammate" not in _advise("operational", "503", 4, 0).summary


def test_local_check_advice_gives_local_steps_and_the_minutes() -> None:
    advice = _advise("operational", "overloaded", 12, 0)
    assert advice.summary.startswith("Seen for 12 min")
    steps = " ".join(advice.steps)
    for word in ("Restart", "network", "proxy", "VPN", "`report overloaded`"):
        assert word in steps


@pytest.mark.parametrize(
    ("code", "label", "kind"),
    [
        ("overloaded", "overloaded", LOCAL),
        ("timeout", "timeout", LOCAL),
        ("500", "500", LOCAL),
        ("503", "503", LOCAL),
        ("529", "529", LOCAL),
        ("400", "400", BAD),
        ("404", "404", BAD),
        ("413", "413", BAD),
    ],
)
def test_codes_and_words_on_a_quiet_page_after_fifteen_minutes(
    code: str, label: str, kind: AdviceKind
) -> None:
    advice = _advise("operational", code, 15, 0)
    assert (advice.kind, advice.code) == (kind, label)


def test_advice_carries_what_was_asked() -> None:
    advice = _advise("operational", "503", 4, 2)
    assert advice.to_json() == {
        "kind": "wait",
        "code": "503",
        "since_minutes": 4,
        "team_reports": 2,
        "summary": advice.summary,
        "steps": list(advice.steps),
        "avoid": list(advice.avoid),
    }
    bare = _advise("operational", None, None, 0)
    assert (bare.code, bare.since_minutes, bare.team_reports) == (None, None, 0)


def test_a_word_for_429_is_advised_as_http_429() -> None:
    advice = _advise("operational", "ratelimited", None, 0)
    assert advice.code == "429"
    assert advice.summary.startswith("HTTP 429:")


def test_a_bare_symptom_object_works_like_a_parsed_one() -> None:
    advice = advise(PAGES["operational"](), Symptom("503", 503), 12, 0, NOW)
    assert advice.kind is LOCAL
