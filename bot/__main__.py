"""``python -m bot`` is the same program as the ``is-claude-down`` console script."""

from bot.cli.main import main

raise SystemExit(main())
