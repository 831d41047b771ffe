"""is-claude-down: the core. Watches an Atlassian Statuspage feed, detects changes, advises.

The core never imports an adapter; adapters plug in through the ``is_claude_down.adapters``
entry point group (see ``bot.api``).
"""

__version__ = "0.1.0"
