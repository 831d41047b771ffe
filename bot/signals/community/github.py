"""New issues of one GitHub repository, through the REST API.

``GET {GITHUB_API_URL}/repos/{owner}/{repo}/issues?state=all&sort=created&direction=desc``,
conditional on the last ``ETag`` (a 304 costs nothing against the rate limit), with
``GITHUB_TOKEN`` when set (5,000 requests an hour instead of 60). The endpoint lists pull
requests too; they carry a ``pull_request`` key and are skipped. Links are built from the issue
number on the web host that belongs to the API host (``api.github.com`` -> ``github.com``;
GitHub Enterprise serves both on one host), never taken from the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from bot import __version__
from bot.detect.community import Post
from bot.settings import Secret
from bot.signals.community.http import body, check, send
from bot.signals.community.politeness import not_before
from bot.signals.community.posts import Reading, SourceError

PER_PAGE: Final = 50
TITLE_KEPT: Final = 300
TEXT_KEPT: Final = 2000
API_VERSION: Final = "2022-11-28"
WHO: Final = "GitHub"


class GitHubSource:
    def __init__(
        self, repository: str, api_url: str, token: Secret | None = None, timeout: float = 10.0
    ) -> None:
        self.name = f"github:{repository}"
        self.label = f"{repository} issues"
        self._repository = repository
        self._api_url = api_url.rstrip("/")
        self._web_url = web_url(self._api_url)
        self.home = self._web_url
        self._etag: str | None = None
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"is-claude-down/{__version__} (self-hosted status bot)",
        }
        if token is not None:
            headers["Authorization"] = f"Bearer {token.reveal()}"
        self._http = httpx.AsyncClient(headers=headers, timeout=timeout)

    async def read(self, now: datetime) -> Reading:
        params: dict[str, str | int] = {
            "state": "all",
            "sort": "created",
            "direction": "desc",
            "per_page": PER_PAGE,
        }
        headers = {"If-None-Match": self._etag} if self._etag else {}
        url = f"{self._api_url}/repos/{self._repository}/issues"
        response = await send(self._http, "GET", url, WHO, params=params, headers=headers)
        wait = not_before(response.headers, now, reset_is_epoch=True)
        if response.status_code == 304:
            return Reading((), not_modified=True, not_before=wait)
        check(response, now, WHO, reset_is_epoch=True)
        posts = self._posts(body(response, WHO))
        self._etag = response.headers.get("etag") or None
        return Reading(posts, not_before=wait)

    async def close(self) -> None:
        await self._http.aclose()

    def _posts(self, issues: Any) -> tuple[Post, ...]:
        if not isinstance(issues, list):
            raise SourceError("bad-response", "not a list of issues")
        posts: list[Post] = []
        for issue in issues:
            if not isinstance(issue, dict) or "pull_request" in issue:
                continue
            number, title, created = (
                issue.get("number"),
                issue.get("title"),
                issue.get("created_at"),
            )
            if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
                continue
            if not isinstance(title, str) or not isinstance(created, str):
                continue
            try:
                created_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
            except ValueError:
                continue
            if created_at.tzinfo is None:
                continue
            text = issue.get("body")
            posts.append(
                Post(
                    id=f"issue-{number}",
                    title=title[:TITLE_KEPT],
                    url=f"{self._web_url}/{self._repository}/issues/{number}",
                    created_at=created_at,
                    text=text[:TEXT_KEPT] if isinstance(text, str) else "",
                )
            )
        return tuple(posts)


def web_url(api_url: str) -> str:
    """``https://api.github.com`` -> ``https://github.com``; ``https://ghe.example/api/v3`` ->
    ``https://ghe.example``; any other host serves its own pages."""
    parts = urlsplit(api_url)
    host = parts.netloc.removeprefix("api.") if parts.netloc.startswith("api.") else parts.netloc
    return f"{parts.scheme}://{host}"
