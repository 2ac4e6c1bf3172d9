"""``python -m crossroads``: the same as the ``crossroads`` command."""

from crossroads.tui.cli import run

run()
