"""``--lang LANG|source``: the option that keeps only the playthroughs played in one language
(``report``, ``cohort``, ``export xapi``)."""

from __future__ import annotations

import argparse

from crossroads.engine.bank.base import SOURCE_LANG


def add_lang_option(p: argparse.ArgumentParser) -> None:
    """Add ``--lang``."""
    p.add_argument("--lang", metavar="LANG",
                   help="only playthroughs of the story's translation into LANG (e.g. es); "
                   f"'{SOURCE_LANG}': only those of the story as written")


def check_lang_filter(lang: str | None) -> str | None:
    """``lang`` as given: None, ``source`` or a language code.

    Raises:
        UsageError: anything else (a path, an empty string).
    """
    if lang is not None and lang != SOURCE_LANG:
        from crossroads.engine.l10n.locale import check_lang

        check_lang(lang)
    return lang
