"""`python -m bot.cli`: the same as the `cohortbot` command."""

from bot.cli import main

raise SystemExit(main())
