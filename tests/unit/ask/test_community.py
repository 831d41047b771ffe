"""The community lines of every status answer, and what is done to untrusted titles (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ask.community import community_json, community_lines
from bot.detect.community import CommunityReport, Post, Standing, is_web_url
from bot.wording.text import TITLE_SHOWN, short_title

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def post(title: str, url: str = "https://www.reddit.com/r/ClaudeAI/comments/abc/") -> Post:
    return Post("t3_abc", title, url, T0)


def report(standing: Standing, posts: int = 0, top: tuple[Post, ...] = ()) -> CommunityReport:
    return CommunityReport("reddit:r/ClaudeAI", "r/ClaudeAI", standing, posts, 1.0, top)


def test_one_line_per_source_in_the_contract_words() -> None:
    top = tuple(post(f"API Error: 529 #{i}") for i in range(3))
    lines = community_lines(
        (
            report(Standing.ELEVATED, 9, top),
            CommunityReport(
                "github:anthropics/claude-code",
                "anthropics/claude-code issues",
                Standing.QUIET,
                1,
                1.0,
                top[:1],
            ),
            CommunityReport("reddit:r/x", "r/x", Standing.UNAVAILABLE, 0, 1.0),
        )
    )
    assert [line.text for line in lines] == [
        "r/ClaudeAI: 9 posts about errors in 30 min (usually 1)",
        "anthropics/claude-code issues: quiet",
        "r/x: unavailable",
    ]
    assert [link.title for link in lines[0].links] == [p.title for p in top]
    assert lines[1].links == ()
    assert lines[2].links == ()


def test_the_status_json_community_list() -> None:
    (item,) = community_json((report(Standing.ELEVATED, 4, (post("Is Claude down?"),)),))
    assert item == {
        "source": "reddit:r/ClaudeAI",
        "state": "elevated",
        "posts_30m": 4,
        "usual_30m": 1.0,
        "top": [
            {
                "title": "Is Claude down?",
                "url": "https://www.reddit.com/r/ClaudeAI/comments/abc/",
                "created_at": "2026-12-01T12:00:00+00:00",
            }
        ],
    }


def test_hostile_titles_become_one_short_line() -> None:
    assert short_title("a" * 5000) == "a" * (TITLE_SHOWN - 1) + "…"
    assert (
        short_title("Down?\n\n# <!channel> @everyone\u202e\u200b") == "Down? # <!channel> @everyone"
    )
    assert short_title("\x00\x07") == "(no title)"


def test_only_web_links_on_the_source_origin_are_kept() -> None:
    home = "https://www.reddit.com"
    assert is_web_url("https://www.reddit.com/r/ClaudeAI/comments/abc/", home)
    assert not is_web_url("javascript:alert(1)", home)
    assert not is_web_url("https://www.reddit.com.evil.example/x", home)
    assert not is_web_url("https://user@www.reddit.com/x", home)
    assert not is_web_url("http://www.reddit.com/x", home)
    (line,) = community_lines((report(Standing.ELEVATED, 4, (post("x", "javascript:alert(1)"),)),))
    assert line.links == ()
