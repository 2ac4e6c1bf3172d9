"""One module per ``crossroads`` subcommand; see :mod:`tui.cli`."""
