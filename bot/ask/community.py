"""What every status answer says about the community: one line per source, with up to three
linked titles when it is elevated. Pure.

Titles are untrusted: here they are made one short line (``bot.wording.text.short_title``); each
adapter then escapes them for its markup. A link is kept only when it is http(s) (the watch
kept only those on the source's own origin), so no ``javascript:`` link is ever shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.detect.community import CommunityReport, Standing, is_web_url
from bot.wording.signals import community_sentence
from bot.wording.text import short_title


@dataclass(frozen=True)
class PostLink:
    title: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class CommunityLine:
    source: str
    text: str
    """``r/ClaudeAI: 9 posts about errors in 30 min (usually 1)``, ``r/ClaudeAI: quiet``."""
    standing: Standing
    links: tuple[PostLink, ...] = ()

    @property
    def elevated(self) -> bool:
        return self.standing is Standing.ELEVATED


def community_lines(reports: tuple[CommunityReport, ...]) -> tuple[CommunityLine, ...]:
    return tuple(_line(r) for r in reports)


def elevated_sentence(report: CommunityReport) -> str:
    """``r/ClaudeAI: 9 posts about errors in 30 min (usually 1)``."""
    return community_sentence(report.label, report.posts_30m, report.usual_30m)


def links(report: CommunityReport) -> tuple[PostLink, ...]:
    return tuple(
        PostLink(short_title(p.title), p.url, p.created_at) for p in report.top if is_web_url(p.url)
    )


def community_json(reports: tuple[CommunityReport, ...]) -> list[dict[str, Any]]:
    """The status JSON's ``community`` list."""
    return [
        {
            "source": r.source,
            "state": r.standing.value,
            "posts_30m": r.posts_30m,
            "usual_30m": r.usual_30m,
            "top": [
                {"title": link.title, "url": link.url, "created_at": link.created_at.isoformat()}
                for link in links(r)
            ],
        }
        for r in reports
    ]


def _line(report: CommunityReport) -> CommunityLine:
    if report.standing is Standing.ELEVATED:
        return CommunityLine(
            report.source, elevated_sentence(report), report.standing, links(report)
        )
    word = "quiet" if report.standing is Standing.QUIET else "unavailable"
    return CommunityLine(report.source, f"{report.label}: {word}", report.standing)
