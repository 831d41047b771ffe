"""A fake Reddit on loopback: the listing of a subreddit's new posts and the app-only OAuth
token endpoint, shaped like the real ones.

Checked against:
- Reddit's API rules (github.com/reddit/reddit/wiki/API): ``X-Ratelimit-Used``,
  ``X-Ratelimit-Remaining`` (a float) and ``X-Ratelimit-Reset`` (seconds to the end of the
  period) on every answer; a unique, descriptive User-Agent.
- asyncpraw's recorded cassette ``tests/integration/cassettes/TestSubredditListings.test_new.json``
  (and PRAW's of the same name): ``POST https://www.reddit.com/api/v1/access_token`` with
  Basic auth answering ``{"access_token", "token_type": "bearer", "expires_in", "scope"}``, then
  ``GET https://oauth.reddit.com/r/{sub}/new?limit=100&raw_json=1`` with
  ``Authorization: bearer ...`` answering ``{"kind": "Listing", "data": {"after", "dist",
  "modhash", "geo_filter", "children": [{"kind": "t3", "data": {...}}], "before"}}``; the
  post fields below (``id``, ``name``, ``title``, ``selftext``, ``created_utc``,
  ``permalink``, ``url``, ...) are that recording's, trimmed.
- Without OAuth the same listing is ``GET https://www.reddit.com/r/{sub}/new.json``.
- Errors are Reddit's JSON ``{"message", "error"}``: ``{"message": "Too Many Requests",
  "error": 429}`` and ``{"message": "Unauthorized", "error": 401}`` (from the token endpoint),
  as other Reddit clients' tests record them (found with a code search); Reddit has also been
  seen to send the 429 body with status 200 (``limit_in_body``).
"""

from __future__ import annotations

import base64
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from fakes.loopback import serve

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Limit:
    status: int = 429
    reset_seconds: int = 300
    retry_after: int | None = None
    limit_in_body: bool = False
    """Answer 200 with the 429 body, as Reddit sometimes does."""


@dataclass
class FakeReddit:
    subreddit: str = "ClaudeAI"
    posts: list[dict[str, Any]] = field(default_factory=list)
    """Newest first, as ``new`` lists them."""
    requests: list[Seen] = field(default_factory=list)
    limit: Limit | None = None
    fault: int | None = None
    remaining: float = 99.0
    reset_seconds: int = 420
    tokens: set[str] = field(default_factory=set)
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(36**5))
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_post(self, title: str, created_at: datetime, selftext: str = "") -> dict[str, Any]:
        post_id = _base36(next(self._ids))
        slug = "_".join(title.lower().split())[:50]
        permalink = f"/r/{self.subreddit}/comments/{post_id}/{slug}/"
        post = {
            "approved_at_utc": None,
            "subreddit": self.subreddit,
            "selftext": selftext,
            "author_fullname": "t2_5fm3qv6s",
            "saved": False,
            "title": title,
            "subreddit_name_prefixed": f"r/{self.subreddit}",
            "hidden": False,
            "name": f"t3_{post_id}",
            "link_flair_text": None,
            "score": 1,
            "is_self": True,
            "created": created_at.timestamp(),
            "domain": f"self.{self.subreddit}",
            "selftext_html": None,
            "over_18": False,
            "subreddit_id": "t5_3mbyx",
            "id": post_id,
            "author": "someone",
            "num_comments": 0,
            "permalink": permalink,
            "stickied": False,
            "url": f"https://www.reddit.com{permalink}",
            "created_utc": created_at.timestamp(),
            "is_video": False,
        }
        self.posts.insert(0, post)
        return post

    def listings(self) -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(f"/r/{self.subreddit}/new")]

    # --- life cycle ---------------------------------------------------------------------

    async def __aenter__(self) -> FakeReddit:
        app = web.Application()
        app.router.add_post("/api/v1/access_token", self._access_token)
        app.router.add_get("/r/{sub}/new.json", self._new)
        app.router.add_get("/r/{sub}/new", self._new)
        self._runner, self.port = await serve(app)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the API ------------------------------------------------------------------------

    def _seen(self, request: web.Request) -> None:
        self.requests.append(
            Seen(request.method, request.path, dict(request.query), dict(request.headers))
        )

    async def _access_token(self, request: web.Request) -> web.Response:
        self._seen(request)
        form = await request.post()
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"message": "Unauthorized", "error": 401}, status=401)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=200)
        token = secrets.token_urlsafe(20)
        self.tokens.add(token)
        return web.json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    async def _new(self, request: web.Request) -> web.Response:
        self._seen(request)
        if request.match_info["sub"] != self.subreddit:
            return web.json_response({"message": "Not Found", "error": 404}, status=404)
        if not request.path.endswith(".json"):  # the OAuth host answers only with a token
            auth = request.headers.get("Authorization", "")
            if not auth.startswith("bearer ") or auth.removeprefix("bearer ") not in self.tokens:
                return web.json_response({"message": "Unauthorized", "error": 401}, status=401)
        if self.limit is not None:
            headers = {
                "x-ratelimit-used": "100",
                "x-ratelimit-remaining": "0.0",
                "x-ratelimit-reset": str(self.limit.reset_seconds),
            }
            if self.limit.retry_after is not None:
                headers["retry-after"] = str(self.limit.retry_after)
            body = {"message": "Too Many Requests", "error": 429}
            status = 200 if self.limit.limit_in_body else self.limit.status
            return web.json_response(body, status=status, headers=headers)
        if self.fault is not None:
            return web.Response(
                status=self.fault, text="<html><body>all our servers are busy</body></html>"
            )
        limit = min(int(request.query.get("limit", "25")), 100)
        children = [{"kind": "t3", "data": p} for p in self.posts[:limit]]
        listing = {
            "kind": "Listing",
            "data": {
                "after": children[-1]["data"]["name"] if children else None,
                "dist": len(children),
                "modhash": "",
                "geo_filter": "",
                "children": children,
                "before": None,
            },
        }
        self.remaining = max(0.0, self.remaining - 1)
        headers = {
            "x-ratelimit-used": str(int(100 - self.remaining)),
            "x-ratelimit-remaining": f"{self.remaining:.1f}",
            "x-ratelimit-reset": str(self.reset_seconds),
        }
        return web.json_response(listing, headers=headers)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"
