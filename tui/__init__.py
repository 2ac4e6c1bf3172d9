"""Everything that talks to the terminal: the Textual app and the command line."""
