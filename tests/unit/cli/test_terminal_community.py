"""The community lines in the terminal: the status answer and the early-warning notice."""

from __future__ import annotations

from dataclasses import replace

from bot.ask.advisor import advise
from bot.ask.status import status_answer
from bot.cli.terminal import notice_text, status_text
from bot.detect.community import CommunityReport, Post, Standing
from bot.detect.events import EarlyWarning
from bot.notify.warning_notices import warning_root
from tests.unit.helpers import NOW, SOURCE, view_of

HOSTILE = "Is Claude down?\x1b[2J\nFAKE: headline " + "x" * 5000
POST = Post("t3_abc", HOSTILE, "https://www.reddit.com/r/ClaudeAI/comments/abc/", NOW)


def test_one_line_per_source_with_the_linked_titles_when_elevated() -> None:
    reports = (
        CommunityReport("reddit:r/ClaudeAI", "r/ClaudeAI", Standing.ELEVATED, 9, 1.0, (POST,)),
        CommunityReport("github:a/b", "a/b issues", Standing.UNAVAILABLE, 0, 1.0),
    )
    view = replace(view_of("summary-operational.json"), community=reports)
    text = status_text(status_answer(view, advise(view, None, None, 0, NOW), NOW), colour=False)
    lines = text.splitlines()
    assert "  ▲ r/ClaudeAI: 9 posts about errors in 30 min (usually 1)" in lines
    assert "  · a/b issues: unavailable" in lines
    assert "\x1b" not in text
    assert not any(line.startswith("FAKE") for line in lines)
    assert all(len(line) < 400 for line in lines)


def test_the_warning_notice_lists_its_posts_on_one_line_each() -> None:
    warning = EarlyWarning(
        "community:reddit:r/ClaudeAI", NOW, "r/ClaudeAI: 9 posts ...", links=((HOSTILE, POST.url),)
    )
    text = notice_text(warning_root(warning, SOURCE), colour=False)
    (link_line,) = [line for line in text.splitlines() if POST.url in line]
    assert link_line.startswith("    • Is Claude down?")
    assert "FAKE: headline" in link_line  # on the link's own line, not a line of its own
    assert "\x1b" not in text
    assert len(link_line) < 400
