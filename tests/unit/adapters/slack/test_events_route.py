"""The slash command's form, read the way ``urllib.parse.parse_qsl`` reads it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.events_route import _form
from fakes.slack_api import slash_command


def test_a_slash_command_reads_as_parse_qsl_reads_it() -> None:
    body = slash_command(
        "is claude down? 50% & <b>é</b> +1", response_url="https://hooks.slack.com/commands/T/1/x"
    )
    fields = _form(body.encode())
    assert fields == dict(parse_qsl(body, keep_blank_values=True))
    assert fields["text"] == "is claude down? 50% & <b>é</b> +1"
    assert fields["command"] == "/is-claude-down"


@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=8))
def test_any_encoded_form_reads_as_parse_qsl_reads_it(sent: dict[str, str]) -> None:
    body = urlencode(sent)
    assert _form(body.encode()) == dict(parse_qsl(body, keep_blank_values=True))


def test_bytes_that_are_not_utf8_do_not_raise() -> None:
    assert _form(b"text=%FF%FE&command=%2Fis-claude-down\xff")["command"].startswith("/is-")
