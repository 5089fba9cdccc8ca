"""``python -m truelevel_cli``."""

from truelevel_cli.commands import main

raise SystemExit(main())
