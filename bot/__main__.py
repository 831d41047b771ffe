"""``python -m bot`` is the same program as the ``is-claude-down`` console script."""

from bot.cli import main

raise SystemExit(main())
