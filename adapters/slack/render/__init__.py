"""Pure rendering for Slack: notices and answers to message payloads. All escaping lives here.

Nothing in this package does IO or reads the clock. Feed and user text is escaped in
``markup``, built into Block Kit in ``blocks`` and cut to Slack's sizes in ``limits``; the words
a user also reads on other platforms come from ``bot.wording``.
"""

from adapters.slack.render.answers import SHARE_ACTION, answer_message, note_message
from adapters.slack.render.notices import notice_message

__all__ = ["SHARE_ACTION", "answer_message", "note_message", "notice_message", "text_only"]


def text_only(message: dict[str, object]) -> dict[str, object]:
    """The same message with only its (already escaped) text: for when Slack refuses blocks."""
    return {"text": message.get("text") or "Claude status update"}
