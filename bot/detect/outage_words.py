"""Is a post about errors? The one list of outage words and codes. Pure.

A post counts when its title matches any term, or its text matches a term marked ``in_text``:
bodies (GitHub's issue template, long Reddit posts) are full of ordinary words such as "not
working" or "timeout", so only the exact error messages and codes count there. 4xx codes never
count: a 429 or a 401 is the asker's own limit or key, not an outage. Each term is tested on
real titles in ``tests/unit/detect/test_outage_words.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Term:
    pattern: str
    in_text: bool = False
    """Also counts when found only in the post's text, not its title."""


TERMS: Final = (
    # The API's own answers, as Claude Code and the apps print them.
    Term(r"\b529\b", in_text=True),
    Term(r"\boverloaded(?:_error)?\b", in_text=True),
    Term(r"\binternal server error\b", in_text=True),
    Term(r"\bapi_error\b", in_text=True),
    Term(r"\bservice unavailable\b", in_text=True),
    Term(r"\bbad gateway\b", in_text=True),
    Term(r"\bgateway time-?out\b", in_text=True),
    Term(r"\bupstream connect error\b", in_text=True),
    Term(r"\bcapacity constraints\b", in_text=True),
    # A 5xx code said with an error word: "500 Internal", "Error 503", "API Error: 502".
    Term(r"\b(?:error|errors|status|http|api)\b\W{0,3}(?:code\W{0,2})?5\d\d\b", in_text=True),
    Term(r"\b5\d\d\W{0,3}(?:error|errors|internal|server)\b", in_text=True),
    # What people write when it fails.
    Term(
        r"\b(?:is|claude|code|api|anthropic|opus|sonnet|haiku|it|everything|went|goes)\s+down\b(?!-)"
    ),
    Term(r"\bdown\s+(?:again|for\s+(?:anyone|everyone|me)|right now|today)\b"),
    Term(r"\bdown\s*\?"),
    Term(r"\boutages?\b"),
    Term(r"\bdegraded\b"),
    Term(r"\b(?:not|isn'?t|stopped)\s+(?:working|responding|loading)\b"),
    Term(r"\btimed out\b"),
    Term(r"\bconnection error\b"),
    Term(r"\b(?:temporarily|currently) unavailable\b"),
    Term(r"\bapi error\b(?!\W{0,3}4\d\d)"),  # but "API Error: 400 ..." is the request's own
)
_TITLE: Final = re.compile("|".join(f"(?:{t.pattern})" for t in TERMS), re.IGNORECASE)
_TEXT: Final = re.compile("|".join(f"(?:{t.pattern})" for t in TERMS if t.in_text), re.IGNORECASE)


def is_about_errors(title: str, text: str = "") -> bool:
    return bool(_TITLE.search(title) or (text and _TEXT.search(text)))
