"""Pure rendering for Discord: notices and answers to messages (content and embeds as JSON).

Nothing in this package does IO or reads the clock. ``markup`` escapes every piece of feed and
user text and holds the ``Message`` we send; ``limits`` cuts a message to Discord's sizes; the
words a user also reads on other platforms come from ``bot.wording``.
"""

from adapters.discord.render.answers import answer_message
from adapters.discord.render.markup import Message
from adapters.discord.render.notices import notice_message

__all__ = ["Message", "answer_message", "notice_message"]
