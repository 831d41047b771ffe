"""bot.ask.grammar: every chat word parses to a Command; nothing a user types raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ask.grammar import (
    HELP_WORDS,
    MAX_INPUT_CHARS,
    MAX_MINUTES,
    Alerts,
    AlertsRefused,
    Ask,
    Command,
    Help,
    History,
    Report,
    Subscribe,
    Unsubscribe,
    ask_about,
    parse,
    report_of,
    subscribe_to,
)
from bot.ask.grammar import Test as _Test  # not named Test*: pytest would collect it
from bot.ask.symptoms import Symptom

S503 = Symptom("503", 503)
COMMAND_TYPES = (Ask, Subscribe, Unsubscribe, Report, History, _Test, Alerts, AlertsRefused, Help)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # (nothing), a question
        ("", Ask()),
        ("   ", Ask()),
        ("is claude down?", Ask()),
        ("Is Claude down", Ask()),
        ("status", Ask()),
        ("what's up?", Ask()),
        ("is it working", Ask()),
        ("anything wrong?", Ask()),
        ("?", Ask()),
        # a code or symptom, optionally with how long
        ("503", Ask(S503)),
        ("529", Ask(Symptom("529", 529))),
        ("overloaded", Ask(Symptom("overloaded", 529))),
        ("429", Ask(Symptom("429", 429))),
        ("401", Ask(Symptom("401", 401))),
        ("timeout", Ask(Symptom("timeout", None))),
        ("HTTP 529", Ask(Symptom("529", 529))),
        ("status 503", Ask(S503)),
        ("getting 503 errors", Ask(S503)),
        ("seeing 529s for 12 minutes", Ask(Symptom("529", 529), 12)),
        ("is claude down? I get 529", Ask(Symptom("529", 529))),
        # subscribe [COMPONENT ...]
        ("subscribe", Subscribe()),
        ("Subscribe", Subscribe()),
        ("sub", Subscribe()),
        ("subscribe Claude API", Subscribe(("Claude API",))),
        ("subscribe claude.ai, Claude Code", Subscribe(("claude.ai", "Claude Code"))),
        ('subscribe "Claude Code"', Subscribe(("Claude Code",))),
        ("subscribe claude.ai,, ,Claude API", Subscribe(("claude.ai", "Claude API"))),
        # unsubscribe
        ("unsubscribe", Unsubscribe()),
        ("UNSUBSCRIBE", Unsubscribe()),
        ("unsub", Unsubscribe()),
        ("stop", Unsubscribe()),
        # report [CODE]
        ("report", Report()),
        ("report 529", Report(Symptom("529", 529))),
        ("report overloaded", Report(Symptom("overloaded", 529))),
        # history, test, help
        ("history", History()),
        ("History", History()),
        ("test", _Test()),
        ("help", Help()),
        ("HELP", Help()),
        ("help me please", Help()),
        ("--help", Help()),
        ("commands", Help()),
    ],
)
def test_every_word_of_the_chat_table(text: str, command: Command) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("503 12m", 12),
        ("503 12 m", 12),
        ("503 12min", 12),
        ("503 12 min", 12),
        ("503 12 mins", 12),
        ("503 for 12 minutes", 12),
        ("503 for 12 min", 12),
        ("503 for 12", 12),
        ("503 12", 12),
        ("503 1 minute", 1),
        ("529 2h", 120),
        ("529 2 hours", 120),
        ("529 for 1 hour", 60),
        ("529 3hrs", 180),
        ("503 0m", 0),
        ("503 12M", 12),
        ("503 12m ago, help", 12),
        ("503 for 2 days", 2880),
        ("503 1d", 1440),
        ("503 for 30 seconds", 0),
        ("503 90s", 1),
    ],
)
def test_a_code_with_how_long(text: str, minutes: int) -> None:
    command = parse(text)
    assert isinstance(command, Ask)
    assert command.symptom is not None
    assert command.symptom.code in (503, 529)
    assert command.minutes == minutes


@pytest.mark.parametrize(
    "text",
    ["503", "503 soon", "503 for a while", "503 12 weeks", "503 for 3 months", "503 12 times"],
)
def test_a_code_without_a_duration_has_unknown_minutes(text: str) -> None:
    """Also a number with a unit we do not read: "12 weeks" is not 12 minutes."""
    command = parse(text)
    assert command == Ask(S503, None)


def test_huge_durations_are_capped() -> None:
    assert parse("503 999999h") == Ask(S503, MAX_MINUTES)
    assert parse("503 999999m") == Ask(S503, MAX_MINUTES)


def test_a_duration_too_long_to_be_meant_is_not_read() -> None:
    assert parse("503 99999999m") == Ask(S503, None)


@pytest.mark.parametrize(
    "text",
    ["banana split", "asdf", "deploy prod", "what", "unsubscribe now", "history please"],
)
def test_garbage_and_extra_words_become_help_with_what_was_not_understood(text: str) -> None:
    command = parse(text)
    if text == "what":  # a question word alone is a question
        assert command == Ask()
        return
    assert command == Help(unknown=text)


@pytest.mark.parametrize("text", ["test it", "report banana"])
def test_a_known_word_with_wrong_arguments_is_help(text: str) -> None:
    assert parse(text) == Help(unknown=text)


@pytest.mark.parametrize("text", ["200", "204", "302"])
def test_a_success_status_is_not_an_error_code(text: str) -> None:
    assert parse(text) == Help(unknown=text)
    assert parse(f"report {text}") == Help(unknown=f"report {text}")


def test_a_success_status_in_a_question_is_still_a_question() -> None:
    assert parse("is it down? I get 200") == Ask()


def test_huge_input_is_bounded() -> None:
    command = parse("banana " * 100_000)
    assert isinstance(command, Help)
    assert command.unknown is not None
    assert len(command.unknown) <= MAX_INPUT_CHARS


def test_a_code_past_the_input_bound_is_not_read() -> None:
    command = parse("x" * MAX_INPUT_CHARS + " 503")
    assert isinstance(command, Help)


def test_control_characters_separate_words_and_never_reach_the_answer() -> None:
    assert parse("503\x00\x1b12m") == Ask(S503, 12)
    assert parse("\x07help") == Help()
    assert parse("\u200bhistory\u200b") == History()
    command = parse("bogus\x1b[2J\r\nthing\u202e")
    assert command == Help(unknown="bogus [2J  thing")


def test_newlines_and_tabs_are_plain_spaces() -> None:
    assert parse("503\n\tfor 12 minutes") == Ask(S503, 12)


def test_several_components_need_commas_since_names_have_spaces() -> None:
    assert parse("subscribe Claude Code") == Subscribe(("Claude Code",))
    assert parse("subscribe claude.ai Claude Code") == Subscribe(("claude.ai Claude Code",))
    assert "comma" in dict(HELP_WORDS)["subscribe [COMPONENT …]"]


def test_help_lists_every_command_word() -> None:
    words = " ".join(w for w, _ in HELP_WORDS)
    for word in ("subscribe", "unsubscribe", "report", "history", "test", "help", "503", "12m"):
        assert word in words
    assert all(description for _, description in HELP_WORDS)


@given(st.text(max_size=2000))
def test_parse_never_raises_and_always_returns_a_command(text: str) -> None:
    command = parse(text)
    assert isinstance(command, COMMAND_TYPES)
    if isinstance(command, Help) and command.unknown is not None:
        assert len(command.unknown) <= MAX_INPUT_CHARS
        assert command.unknown.isprintable()
    if isinstance(command, Ask) and command.minutes is not None:
        assert 0 <= command.minutes <= MAX_MINUTES


@given(
    st.lists(
        st.sampled_from(
            ["503", "529", "for", "12", "m", "h", "minutes", "²", "٣", "?", "report", "\x00", "é"]
        ),
        max_size=8,
    ).map(" ".join)
)
def test_parse_never_raises_on_near_miss_words(text: str) -> None:
    assert isinstance(parse(text), COMMAND_TYPES)


@given(st.integers(min_value=400, max_value=599), st.integers(min_value=0, max_value=999_999))
def test_any_error_code_with_minutes_is_an_ask(code: int, minutes: int) -> None:
    command = parse(f"{code} for {minutes} minutes")
    assert isinstance(command, Ask)
    assert command.symptom is not None
    assert command.symptom.code == code
    assert command.minutes == min(minutes, MAX_MINUTES)


# --- typed options (Discord's application commands) -----------------------------------------


@pytest.mark.parametrize(
    ("code", "minutes"),
    [
        (None, None),
        ("", None),
        ("503", None),
        ("503", 12),
        ("HTTP 529", 5),
        ("overloaded", 90),
        ("getting 529s", None),
        ("timeout", 1),
        ("banana", 12),
        ("200", None),
        ("help", None),
    ],
)
def test_typed_status_options_ask_what_the_same_words_ask(
    code: str | None, minutes: int | None
) -> None:
    words = f"status {code or ''} {f'{minutes}m' if code and minutes is not None else ''}"
    assert ask_about(code, minutes) == parse(words)


def test_typed_status_options_give_advice_without_spelling_words() -> None:
    assert ask_about("503", 12) == Ask(S503, 12)
    assert ask_about("overloaded") == Ask(Symptom("overloaded", 529))
    assert ask_about(None, 12) == Ask()  # minutes of nothing mean nothing
    assert ask_about("banana", 12) == Ask()  # as "status banana 12m": the plain status
    assert ask_about("503", 10 * MAX_MINUTES) == Ask(S503, MAX_MINUTES)


@pytest.mark.parametrize("code", [None, "", "529", "overloaded", "HTTP 503", "banana", "200"])
def test_a_typed_report_reports_what_the_same_words_report(code: str | None) -> None:
    assert report_of(code) == parse(f"report {code or ''}")


def test_a_typed_report_of_nothing_known_is_help_naming_it() -> None:
    assert report_of("529") == Report(Symptom("529", 529))
    assert report_of("banana") == Help(unknown="report banana")


@pytest.mark.parametrize(
    "components",
    [None, "", "claude.ai", "claude.ai, Claude Code", "Claude  Code", ' "Claude API" '],
)
def test_typed_components_subscribe_as_the_same_words_do(components: str | None) -> None:
    assert subscribe_to(components) == parse(f"subscribe {components or ''}")


def test_typed_components_are_split_on_commas_and_cleaned() -> None:
    assert subscribe_to("claude.ai,\x1b Claude Code") == Subscribe(("claude.ai", "Claude Code"))
    assert subscribe_to(None) == Subscribe()


@given(st.text(max_size=200), st.one_of(st.none(), st.integers(1, MAX_MINUTES)))
def test_typed_options_never_raise(text: str, minutes: int | None) -> None:
    assert isinstance(ask_about(text, minutes), Ask)
    assert isinstance(report_of(text), Report | Help)
    assert isinstance(subscribe_to(text), Subscribe)
