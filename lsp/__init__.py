"""The author's editor support: a language server for crossroads/1 stories (``crossroads lsp``).

It speaks the Language Server Protocol over standard input and output (pygls) and uses only
:mod:`crossroads.engine`: diagnostics are the ones ``crossroads check`` reports, recomputed scene
by scene as the author types (:mod:`crossroads.lsp.document`); navigation, completion, hover,
rename and quick fixes work on an index of every name's occurrences (:mod:`crossroads.lsp.index`).
"""

from __future__ import annotations

import logging

__all__ = ["main"]


class _OneLine(logging.Formatter):
    """Log records as one line each: a malformed message from the editor is reported (and
    answered in the protocol), never dumped to the editor's log as a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = record.exc_text = None
        record.stack_info = None
        return " ".join(super().format(record).split())


def main() -> int:
    """Serve over standard input and output until the client says exit."""
    from crossroads.lsp.server import serve

    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine("crossroads lsp: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    serve()
    return 0
