"""Story translations with gettext: extract a template, keep translations up to date, check
them, and play them (see ``docs/translating.md``).

The player imports only :mod:`.locale` and :mod:`.apply` (no Babel); ``crossroads l10n`` uses
:mod:`.catalog` (Babel) and ``crossroads check`` :mod:`.checks`.
"""
