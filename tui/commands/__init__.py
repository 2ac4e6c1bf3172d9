"""One module per ``crossroads`` subcommand; see :mod:`crossroads.tui.cli`."""
