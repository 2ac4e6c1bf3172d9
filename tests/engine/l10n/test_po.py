"""The small PO reader the player and ``check`` use, against what GNU gettext reads."""

from __future__ import annotations

import pytest

from crossroads.engine.l10n.po import POSyntaxError, parse_po

PO = r'''# a comment
msgid ""
msgstr ""
"Language: es\n"
"Content-Type: text/plain; charset=utf-8\n"

#. scene one
#: s.yaml:3
#, fuzzy, python-brace-format
msgctxt "one.text"
msgid "Trust is {trust}."
msgstr ""
"La confianza "
"es {trust}."

msgctxt "one.say"
msgid "Say \"hi\"\n"
msgstr "Di \"hola\"\n"

#~ msgctxt "gone.title"
#~ msgid "Gone"
#~ msgstr "Ido"
'''


def test_entries_flags_obsolete_and_positions() -> None:
    header, entries = parse_po(PO)
    assert header["Language"] == "es"
    text, say, gone = entries
    assert (text.msgctxt, text.msgid, text.msgstr) == ("one.text", "Trust is {trust}.",
                                                       "La confianza es {trust}.")
    assert text.fuzzy and not text.translated and text.line == 10
    # "{trust}" starts at offset 16 of the msgstr: on the second quoted line, after `"es `
    assert text.position(16) == (14, 5)
    assert say.msgstr == 'Di "hola"\n' and say.translated
    assert gone.obsolete and gone.msgctxt == "gone.title" and gone.msgstr == "Ido"


@pytest.mark.parametrize(("text", "line"), [
    ('msgid "a"\nmsgstr "b\n', 2),
    ('msgid "a"\nfoo "b"\n', 2),
    ('"stray"\n', 1),
])
def test_broken_po_is_positioned(text: str, line: int) -> None:
    with pytest.raises(POSyntaxError) as err:
        parse_po(text)
    assert err.value.line == line
