"""Community reports: new posts in r/ClaudeAI and new issues in anthropics/claude-code.

Each source is one module speaking one API (``reddit``, ``github``) behind the small
``CommunitySource`` protocol of ``posts``; ``pacing`` keeps every source polite. What the
posts mean (about errors? elevated?) is decided in ``bot.detect.outage_words`` and
``bot.detect.community``.
"""
