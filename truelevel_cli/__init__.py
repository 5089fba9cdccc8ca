"""truelevel's command line for candidates: ``python -m truelevel_cli``.

Reads the assessment, starts the session, logs the session events of seed 001 (prompts, commands
with their exit codes, manual or assisted edits, test runs) and submits the take-home, talking to
the truelevel REST API with the candidate key. It needs only ``httpx``, so a candidate can run it
without the rest of truelevel.
"""

from truelevel_cli.commands import main

__all__ = ["main"]
