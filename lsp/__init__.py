"""The author's editor support: a language server for crossroads/1 stories (``crossroads lsp``).

It speaks the Language Server Protocol over standard input and output (pygls) and uses only
:mod:`crossroads.engine`: diagnostics are the ones ``crossroads check`` reports, recomputed scene
by scene as the author types (:mod:`crossroads.lsp.document`); navigation, completion, hover,
rename and quick fixes work on an index of every name's occurrences (:mod:`crossroads.lsp.index`).
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> int:
    """Serve over standard input and output until the client says exit."""
    from crossroads.lsp.server import serve

    serve()
    return 0
