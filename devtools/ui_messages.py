"""The player's own strings: extract them, update the translations, compile the catalogues.

    python -m devtools.ui_messages extract   # tui/**.py -> tui/locale/crossroads.pot
    python -m devtools.ui_messages update    # .pot -> tui/locale/LANG/LC_MESSAGES/crossroads.po
    python -m devtools.ui_messages compile   # .po -> .mo, shipped in the wheel (committed)
    python -m devtools.ui_messages all       # the three, in order

Babel (the ``dev`` extra) does the work; the program reads the ``.mo`` files with the standard
library's :mod:`gettext` (:mod:`crossroads.tui.i18n`). Strings are marked with ``_``,
``ngettext`` and ``N_``; a ``# Translators:`` comment just above a string goes into the
catalogue. Locations are left out of the catalogues, so moving code does not change them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tui"
LOCALE = SOURCE / "locale"
TEMPLATE = LOCALE / "crossroads.pot"
CONFIG = ROOT / "babel.cfg"
DOMAIN = "crossroads"


def extract(output: Path = TEMPLATE) -> None:
    """Write the template of every marked string under ``tui/`` to ``output``."""
    import crossroads

    _babel("extract", "-F", str(CONFIG), "-o", str(output), "--no-location", "--sort-output",
           "--add-comments=Translators:", "--project=Crossroads",
           f"--version={crossroads.__version__}", "--no-wrap", str(SOURCE))


def update() -> None:
    """Merge the template into every language's ``.po`` (obsolete strings are dropped)."""
    _babel("update", "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN, "--no-wrap",
           "--ignore-obsolete", "--no-fuzzy-matching")


def compile_catalogues() -> None:
    """Compile every language's ``.po`` to the ``.mo`` the program reads."""
    _babel("compile", "-d", str(LOCALE), "-D", DOMAIN, "--statistics")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def main(argv: list[str] | None = None) -> int:
    """Run ``extract``, ``update``, ``compile`` or ``all``."""
    args = sys.argv[1:] if argv is None else argv
    steps: dict[str, list[Callable[[], None]]] = {
        "extract": [extract], "update": [update], "compile": [compile_catalogues],
        "all": [extract, update, compile_catalogues],
    }
    if len(args) != 1 or args[0] not in steps:
        print("usage: python -m devtools.ui_messages extract|update|compile|all", file=sys.stderr)
        return 2
    for step in steps[args[0]]:
        step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
