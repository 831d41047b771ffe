"""Chat adapters: thin translators between a platform and the core (``bot``).

Each adapter depends on the core; the core never imports an adapter (see ``bot.api``).
"""
