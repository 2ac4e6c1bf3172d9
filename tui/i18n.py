"""The player's own words in the learner's language: buttons, prompts, help, notices.

Stdlib :mod:`gettext` over the catalogues shipped in ``locale/LANG/LC_MESSAGES/crossroads.mo``
(compiled from the ``.po`` files beside them by ``python -m devtools.ui_messages compile``).
Story text is not translated here (see ``crossroads l10n``); only the program's own strings.

Wrap a string where it is shown: ``_("Your choice (1-{n}): ").format(n=n)``; mark a string
defined at import time with :func:`N_` and translate it where it is used, so a language chosen
later (``play --lang``) still applies. The language is :func:`set_ui_language`'s, else the first
of ``CROSSROADS_LANG``, ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set; a
language with no catalogue is English, silently. This module imports no Textual (the plain
player uses it).
"""

from __future__ import annotations

import gettext
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

DOMAIN = "crossroads"
LOCALE_DIR = Path(__file__).with_name("locale")
ENV_VARS = ("CROSSROADS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where the language comes from when :func:`set_ui_language` was not given one, in order."""

_translation: gettext.NullTranslations | None = None


def _wanted(lang: str | None) -> list[str]:
    """The languages asked for, most wanted first (``LANGUAGE`` may list several)."""
    if lang:
        return [lang]
    for var in ENV_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            return [v for v in value.split(":") if v]
    return []


def set_ui_language(lang: str | None) -> None:
    """Use ``lang`` (``es``, ``es_MX``, ``es_ES.UTF-8``…) for the program's own strings; None:
    from the environment (see the module docstring). Unknown languages fall back to English."""
    global _translation
    langs = [v for v in _wanted(lang) if v.split(".")[0] not in ("C", "POSIX")]
    if not langs:
        _translation = gettext.NullTranslations()
        return
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=langs, fallback=True)


def _current() -> gettext.NullTranslations:
    if _translation is None:
        set_ui_language(None)
    assert _translation is not None
    return _translation


def ui_language() -> str:
    """The language in use: a catalogue's language code (``es``), or ``en`` when none."""
    info = _current().info()
    return info.get("language", "") or "en"


def _(message: str) -> str:
    """``message`` in the learner's language (itself when there is no translation)."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the learner's language."""
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; translate it with :func:`_`
    where it is shown."""
    return message


def translate_bindings(node: Any) -> None:
    """Translate the descriptions of a Textual node's key bindings (marked with :func:`N_` in
    its ``BINDINGS``), for this instance; call it in the node's ``__init__``."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=_(b.description)) if b.description else b for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
