"""New posts of one subreddit, through Reddit's listing API.

``GET {REDDIT_API_URL}/r/{sub}/new.json`` without credentials. With ``REDDIT_CLIENT_ID`` and
``REDDIT_CLIENT_SECRET``, app-only OAuth (the client-credentials grant at
``/api/v1/access_token``) and the listing from ``{REDDIT_OAUTH_URL}/r/{sub}/new`` with
``Authorization: bearer ...``, as PRAW does. Always a descriptive User-Agent: Reddit throttles
generic ones. ``raw_json=1`` asks for titles without Reddit's HTML escaping; we escape them
ourselves where they are shown. Links are built from the post id on ``REDDIT_API_URL``'s host,
never taken from the listing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx

from bot import __version__
from bot.detect.community import Post
from bot.settings import Secret
from bot.signals.community.http import body, check, send
from bot.signals.community.politeness import limited_until, not_before
from bot.signals.community.posts import Reading, SourceError

LISTING_LIMIT: Final = 100
TITLE_KEPT: Final = 300
TEXT_KEPT: Final = 2000
POST_ID = re.compile(r"[a-z0-9]{1,16}")
TOKEN_MARGIN: Final = timedelta(minutes=1)
WHO: Final = "Reddit"


class RedditSource:
    def __init__(
        self,
        subreddit: str,
        api_url: str,
        oauth_url: str,
        client_id: str | None = None,
        client_secret: Secret | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.name = f"reddit:r/{subreddit}"
        self.label = f"r/{subreddit}"
        self._subreddit = subreddit
        self._api_url = api_url.rstrip("/")
        self.home = self._api_url
        self._oauth_url = oauth_url.rstrip("/")
        self._credentials = (
            (client_id, client_secret) if client_id and client_secret is not None else None
        )
        self._token: str | None = None
        self._token_expires = datetime.min.replace(tzinfo=UTC)
        user_agent = f"python:is-claude-down:v{__version__} (self-hosted status bot; r/{subreddit})"
        self._http = httpx.AsyncClient(headers={"User-Agent": user_agent}, timeout=timeout)

    async def read(self, now: datetime) -> Reading:
        token = await self._access_token(now)
        if token is None:
            url = f"{self._api_url}/r/{self._subreddit}/new.json"
            headers = {}
        else:
            url = f"{self._oauth_url}/r/{self._subreddit}/new"
            headers = {"Authorization": f"bearer {token}"}
        params = {"limit": LISTING_LIMIT, "raw_json": 1}
        response = await send(self._http, "GET", url, WHO, params=params, headers=headers)
        if response.status_code == 401 and token is not None:
            self._token = None  # revoked or expired early: a new one next time
            raise SourceError("auth", "Reddit refused the access token")
        check(response, now, WHO, reset_is_epoch=False)
        listing = body(response, WHO)
        if isinstance(listing, dict) and listing.get("error") == 429:  # sometimes with a 200
            wait = limited_until(response.headers, now, reset_is_epoch=False)
            raise SourceError("rate-limited", "Reddit answered Too Many Requests", wait)
        posts = self._posts(listing)
        return Reading(posts, not_before=not_before(response.headers, now, reset_is_epoch=False))

    async def close(self) -> None:
        await self._http.aclose()

    async def _access_token(self, now: datetime) -> str | None:
        if self._credentials is None:
            return None
        if self._token is not None and now < self._token_expires:
            return self._token
        client_id, secret = self._credentials
        response = await send(
            self._http,
            "POST",
            f"{self._api_url}/api/v1/access_token",
            WHO,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret.reveal()),
        )
        if response.status_code in (400, 401, 403):
            raise SourceError("auth", "Reddit refused REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET")
        check(response, now, WHO, reset_is_epoch=False)
        grant = body(response, WHO)
        token = grant.get("access_token") if isinstance(grant, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError("auth", "Reddit gave no access token")
        lifetime = grant.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int | float) and lifetime > 0 else 3600
        self._token = token
        self._token_expires = now + timedelta(seconds=seconds) - TOKEN_MARGIN
        return token

    def _posts(self, listing: Any) -> tuple[Post, ...]:
        """A Listing of t3 things; a malformed child is skipped, a malformed listing fails."""
        data = listing.get("data") if isinstance(listing, dict) else None
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            raise SourceError("bad-response", "not a Reddit listing")
        posts: list[Post] = []
        for child in children:
            post = child.get("data") if isinstance(child, dict) else None
            if not isinstance(post, dict) or child.get("kind") != "t3":
                continue
            post_id, title, created = post.get("id"), post.get("title"), post.get("created_utc")
            if not (isinstance(post_id, str) and POST_ID.fullmatch(post_id)):
                continue
            if not isinstance(title, str) or not isinstance(created, int | float):
                continue
            try:
                created_at = datetime.fromtimestamp(created, UTC)
            except (OverflowError, OSError, ValueError):
                continue
            text = post.get("selftext")
            posts.append(
                Post(
                    id=f"t3_{post_id}",
                    title=title[:TITLE_KEPT],
                    url=f"{self._api_url}/r/{self._subreddit}/comments/{post_id}/",
                    created_at=created_at,
                    text=text[:TEXT_KEPT] if isinstance(text, str) else "",
                )
            )
        return tuple(posts)
