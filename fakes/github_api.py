"""A fake GitHub REST API on loopback: a repository's issues list, shaped like the real one.

Checked against:
- GitHub's REST docs, "List repository issues" (``GET /repos/{owner}/{repo}/issues``,
  ``state``, ``sort``, ``direction``, ``per_page``): pull requests are issues too and are told
  apart by their ``pull_request`` key; the issue fields below are the documented ones, trimmed.
- PyGithub's recorded ``tests/ReplayData/Repository.testGetIssues.txt``: an ``etag`` and the
  ``x-ratelimit-limit`` / ``x-ratelimit-remaining`` headers on a 200 with a JSON array.
- GitHub's REST docs, "Rate limits for the REST API" and "Troubleshooting": ``x-ratelimit-limit``,
  ``-remaining``, ``-used``, ``-reset`` (UTC epoch seconds) and ``-resource``; a spent primary
  limit answers 403 (or 429) with ``x-ratelimit-remaining: 0``; a secondary limit answers 403 or
  429 with ``retry-after``; a conditional request answered 304 does not count when authorized.
- "Best practices for using the REST API": ``If-None-Match`` with the last ``etag``.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from fakes.loopback import serve

TOKEN = "ghp_faketoken0123456789"
OWNER_REPO = "anthropics/claude-code"


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int


@dataclass
class Limit:
    status: int = 403
    reset_at: float = 0.0
    """UTC epoch seconds; 0 means an hour from now."""
    retry_after: int | None = None


@dataclass
class FakeGitHub:
    repository: str = OWNER_REPO
    issues: list[dict[str, Any]] = field(default_factory=list)
    """Newest first, as ``sort=created&direction=desc`` lists them."""
    requests: list[Seen] = field(default_factory=list)
    limit: Limit | None = None
    fault: int | None = None
    used: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_issue(
        self, title: str, created_at: datetime, body: str = "", pull_request: bool = False
    ) -> dict[str, Any]:
        number = len(self.issues) + 1000
        api = f"{self.url}/repos/{self.repository}/issues/{number}"
        html = (
            f"https://github.com/{self.repository}/{'pull' if pull_request else 'issues'}/{number}"
        )
        stamp = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        issue: dict[str, Any] = {
            "url": api,
            "repository_url": f"{self.url}/repos/{self.repository}",
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": html,
            "id": 2000000000 + number,
            "node_id": f"I_kwDOfake{number}",
            "number": number,
            "title": title,
            "user": {"login": "someone", "id": 1, "type": "User", "site_admin": False},
            "labels": [],
            "state": "open",
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": 0,
            "created_at": stamp,
            "updated_at": stamp,
            "closed_at": None,
            "author_association": "NONE",
            "active_lock_reason": None,
            "body": body or None,
            "reactions": {"url": f"{api}/reactions", "total_count": 0},
            "timeline_url": f"{api}/timeline",
            "performed_via_github_app": None,
            "state_reason": None,
        }
        if pull_request:
            issue["draft"] = False
            issue["pull_request"] = {
                "url": f"{self.url}/repos/{self.repository}/pulls/{number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": None,
            }
        self.issues.insert(0, issue)
        return issue

    # --- life cycle ---------------------------------------------------------------------

    async def __aenter__(self) -> FakeGitHub:
        app = web.Application()
        app.router.add_get("/repos/{owner}/{repo}/issues", self._issues)
        self._runner, self.port = await serve(app)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the API ------------------------------------------------------------------------

    async def _issues(self, request: web.Request) -> web.Response:
        response = self._answer(request)
        self.requests.append(
            Seen(request.path, dict(request.query), dict(request.headers), response.status)
        )
        return response

    def _answer(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization")
        authorized = auth in (f"Bearer {TOKEN}", f"token {TOKEN}")
        if auth is not None and not authorized:
            return web.json_response(
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
                status=401,
            )
        ceiling = 5000 if authorized else 60
        reset = int(time.time()) + 3600
        if self.limit is not None:
            reset = int(self.limit.reset_at or reset)
            headers = self._rate_headers(ceiling, ceiling, reset)
            if self.limit.retry_after is not None:
                headers["retry-after"] = str(self.limit.retry_after)
            message = "API rate limit exceeded for 127.0.0.1."
            if self.limit.retry_after is not None:
                message = "You have exceeded a secondary rate limit."
            body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
            return web.json_response(body, status=self.limit.status, headers=headers)
        if f"{request.match_info['owner']}/{request.match_info['repo']}" != self.repository:
            return web.json_response({"message": "Not Found"}, status=404)
        if self.fault is not None:
            return web.json_response({"message": "Server Error"}, status=self.fault)
        per_page = min(int(request.query.get("per_page", "30")), 100)
        state = request.query.get("state", "open")
        listed = [i for i in self.issues if state == "all" or i["state"] == state][:per_page]
        payload = json.dumps(listed).encode()
        etag = f'W/"{hashlib.sha256(payload).hexdigest()}"'
        if request.headers.get("If-None-Match") == etag:
            if not authorized:
                self.used += 1
            headers = self._rate_headers(ceiling, self.used, reset)
            return web.Response(status=304, headers={"ETag": etag, **headers})
        self.used += 1
        headers = {"ETag": etag, **self._rate_headers(ceiling, self.used, reset)}
        return web.Response(
            body=payload, content_type="application/json", charset="utf-8", headers=headers
        )

    @staticmethod
    def _rate_headers(ceiling: int, used: int, reset: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(ceiling),
            "x-ratelimit-remaining": str(max(0, ceiling - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core",
            "x-github-api-version-selected": "2022-11-28",
        }
