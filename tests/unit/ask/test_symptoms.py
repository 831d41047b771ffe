"""bot.ask.symptoms: what a user reports seeing, as a code and a class of problem."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ask.symptoms import Symptom, SymptomClass, SymptomError, is_symptom, parse_symptom


@pytest.mark.parametrize(
    ("text", "label", "code", "kind"),
    [
        ("503", "503", 503, SymptomClass.SERVER),
        ("500", "500", 500, SymptomClass.SERVER),
        ("529", "529", 529, SymptomClass.SERVER),
        ("599", "599", 599, SymptomClass.SERVER),
        ("HTTP 529", "529", 529, SymptomClass.SERVER),
        ("http529", "529", 529, SymptomClass.SERVER),
        ("  503. ", "503", 503, SymptomClass.SERVER),
        ("503?", "503", 503, SymptomClass.SERVER),
        ("529s", "529", 529, SymptomClass.SERVER),
        ("429s", "429", 429, SymptomClass.RATE_LIMIT),
        ("overloaded", "overloaded", 529, SymptomClass.SERVER),
        ("Overloaded", "overloaded", 529, SymptomClass.SERVER),
        ("overloaded_error", "overloaded", 529, SymptomClass.SERVER),
        ("overload", "overloaded", 529, SymptomClass.SERVER),
        ("timeout", "timeout", None, SymptomClass.SERVER),
        ("TIMEOUTS", "timeout", None, SymptomClass.SERVER),
        ("timed-out", "timeout", None, SymptomClass.SERVER),
        ("hanging", "timeout", None, SymptomClass.SERVER),
        ("api_error", "api_error", 500, SymptomClass.SERVER),
        ("429", "429", 429, SymptomClass.RATE_LIMIT),
        ("ratelimited", "429", 429, SymptomClass.RATE_LIMIT),
        ("rate-limit", "429", 429, SymptomClass.RATE_LIMIT),
        ("throttled", "429", 429, SymptomClass.RATE_LIMIT),
        ("401", "401", 401, SymptomClass.CREDENTIALS),
        ("403", "403", 403, SymptomClass.CREDENTIALS),
        ("unauthorized", "401", 401, SymptomClass.CREDENTIALS),
        ("unauthorised", "401", 401, SymptomClass.CREDENTIALS),
        ("forbidden", "403", 403, SymptomClass.CREDENTIALS),
        ("400", "400", 400, SymptomClass.BAD_REQUEST),
        ("404", "404", 404, SymptomClass.BAD_REQUEST),
        ("413", "413", 413, SymptomClass.BAD_REQUEST),
        ("418", "418", 418, SymptomClass.BAD_REQUEST),
        ("499", "499", 499, SymptomClass.BAD_REQUEST),
    ],
)
def test_codes_and_words(text: str, label: str, code: int | None, kind: SymptomClass) -> None:
    symptom = parse_symptom(text)
    assert symptom == Symptom(label, code)
    assert symptom.kind is kind
    assert is_symptom(text)


@pytest.mark.parametrize("text", ["200", "204", "302", "100", "399", "200s"])
def test_a_success_or_redirect_status_is_not_an_error_code(text: str) -> None:
    with pytest.raises(SymptomError, match="not an error status"):
        parse_symptom(text)
    assert not is_symptom(text)


@pytest.mark.parametrize(
    "text",
    ["600", "999", "5033", "50", "", "   ", "banana", "5o3", "-503", "5 03", "1e3", "http"],
)
def test_other_text_is_not_a_symptom(text: str) -> None:
    with pytest.raises(SymptomError):
        parse_symptom(text)
    assert not is_symptom(text)


@pytest.mark.parametrize("text", ["²⁰³", "¹²³", "٥٠٣", "５０３"])
def test_digits_other_than_ascii_are_not_a_code_and_do_not_crash(text: str) -> None:
    """``'²'.isdigit()`` is true but ``int('²')`` raises: only 0-9 make a code."""
    with pytest.raises(SymptomError):
        parse_symptom(text)
    assert not is_symptom(text)


def test_the_error_message_quotes_at_most_forty_characters() -> None:
    with pytest.raises(SymptomError) as caught:
        parse_symptom("x" * 5000)
    assert str(caught.value) == f"{'x' * 40!r} is not a status code or a symptom I know"


@given(st.text())
def test_parse_symptom_raises_nothing_but_symptom_error(text: str) -> None:
    try:
        symptom = parse_symptom(text)
    except SymptomError:
        return
    assert symptom.code is None or 400 <= symptom.code <= 599
    assert symptom.label.isascii()


@given(st.integers(min_value=400, max_value=599))
def test_every_error_status_is_a_symptom_of_its_own_class(code: int) -> None:
    symptom = parse_symptom(str(code))
    assert symptom == Symptom(str(code), code)
    expected = (
        SymptomClass.RATE_LIMIT
        if code == 429
        else SymptomClass.CREDENTIALS
        if code in (401, 403)
        else SymptomClass.BAD_REQUEST
        if code < 500
        else SymptomClass.SERVER
    )
    assert symptom.kind is expected
