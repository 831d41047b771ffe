"""One JSON request over ``urllib`` (standard library: proxies from ``HTTPS_PROXY`` and the
system's certificates, as every other command-line tool on the machine uses them), and a hard
deadline around any work. Imported only when a client command makes a request.

Redirects are not followed when a token is sent: a bearer token must never reach another host.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bot.cli.client import Unreachable

MAX_ANSWER_BYTES = 256 * 1024
USER_AGENT = "is-claude-down-client"

T = TypeVar("T")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: the caller sees its status


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    body: Mapping[str, object] | None = None,
    token: str | None = None,
) -> tuple[int, object]:
    """The HTTP status and the parsed JSON answer (None when the answer is not JSON); raises
    Unreachable when there is no HTTP answer at all."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if not url.startswith(("http://", "https://")):
        raise Unreachable(f"not an http(s) URL: {url!r}")
    prepared = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    opener = urllib.request.build_opener(*([_NoRedirects()] if token is not None else []))
    try:
        with opener.open(prepared, timeout=timeout) as answer:
            return answer.status, _json(answer.read(MAX_ANSWER_BYTES))
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _json(error.read(MAX_ANSWER_BYTES))
    except (OSError, ValueError) as error:  # URLError, timeouts, resets; a malformed URL
        reason = getattr(error, "reason", None) or error
        raise Unreachable(str(reason) or type(error).__name__) from None


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()`` if it finishes within ``seconds``, else Unreachable. The work runs in a daemon
    thread, so a hang (name resolution has no timeout) is left behind when the process exits."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(max(0.0, seconds))
    if outcome:
        return outcome[0]
    if failure:
        raise failure[0]
    raise Unreachable(f"no answer within {seconds:.1f} s")


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None
