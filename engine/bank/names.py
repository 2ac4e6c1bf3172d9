"""Learners' display names: one normal form, and no name that passes for another learner's.

A name is normalised to NFKC (so a full-width "Ａｎｎ" or a ligature "ﬁ" is the plain name) and
stripped; a name holding control characters or bidirectional overrides is refused (it could
print a fake line or reverse text on a facilitator's terminal). A *new* name whose
:func:`skeleton` equals an existing learner's is refused too: "Аnn" with a Cyrillic "А" looks
exactly like "Ann", so its reflections would pass for Ann's.

The skeleton maps the Cyrillic and Greek letters that look like Latin ones (the common part of
Unicode's TR39 confusables table for these scripts) to their Latin twins and drops invisible
characters (zero-width spaces and joiners, soft hyphens, variation selectors). A small table of
our own rather than a dependency: it is all the bank needs (names are short and mostly Latin),
works offline, and is easy to read; a full TR39 implementation would also fold Latin-internal
pairs ("rn"/"m", "l"/"I") and refuse too many real, distinct names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from crossroads.engine.diagnostics import BankError
from crossroads.engine.terminal_text import one_line

if TYPE_CHECKING:
    from crossroads.engine.bank.base import Bank
    from crossroads.engine.bank.tx import Tx

__all__ = ["LookalikeGuard", "admit_learner", "lookalike", "normal_name", "skeleton"]

MAX_NAME = 200
"""The longest display name, in characters."""

_TWINS = {
    # Cyrillic capitals and small letters that look Latin
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "Ӏ": "I", "ү": "y", "ѵ": "v", "ё": "ë",
    "ї": "ï", "Ё": "Ë", "Ї": "Ï",
    # Greek capitals and small letters that look Latin
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "α": "a", "γ": "y", "ϳ": "j", "ϲ": "c", "Ϲ": "C",
}
_TABLE = str.maketrans(_TWINS)
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        r"\u2060-\u2064\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def normal_name(name: str) -> str:
    """The display name in its one normal form: NFKC, outer spaces stripped.

    Raises:
        BankError: it is empty, longer than :data:`MAX_NAME`, or holds control characters or
            bidirectional overrides.
    """
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise BankError("a learner's display name cannot be empty")
    if _FORBIDDEN.search(name):
        raise BankError(f"the name {one_line(name)!r} holds control characters or text-direction "
                        "overrides; choose one with letters, digits and spaces")
    if len(name) > MAX_NAME:
        raise BankError(f"a learner's display name is at most {MAX_NAME} characters")
    return name


def skeleton(name: str) -> str:
    """What a name looks like: NFKC, invisible characters dropped, Cyrillic and Greek
    look-alikes mapped to Latin. Two names with one skeleton look the same on screen."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    return unicodedata.normalize("NFC", text.translate(_TABLE)).strip()


def lookalike(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that looks like ``name`` without being it, if any."""
    mine = skeleton(name)
    return next((o for o in others if o != name and skeleton(o) == mine), None)


def refuse_lookalike(name: str, other: str | None) -> None:
    """Raise when ``other`` (a learner already in the bank) looks like ``name``.

    Raises:
        BankError: naming both, one line.
    """
    if other is not None:
        raise BankError(f"the name {one_line(name)!r} looks like the learner "
                        f"{one_line(other)!r} already in this story bank (letters from another "
                        "alphabet or invisible characters); choose a name that looks different")


class LookalikeGuard:
    """The skeletons of a bank's learners, reread when the number of learners changes, so
    creating a learner costs one count, not a pass over every name."""

    def __init__(self) -> None:
        self._count = -1
        self._names: dict[str, str] = {}

    def check(self, tx: Tx, name: str) -> None:
        """Refuse ``name`` (not yet in the bank) when it looks like a learner's who is.

        Raises:
            BankError: see :func:`refuse_lookalike`.
        """
        count = int(tx.rows("SELECT count(*) FROM learners")[0][0])
        if count != self._count:
            self._names = {}
            for (other,) in tx.rows("SELECT name FROM learners"):
                self._names.setdefault(skeleton(other), other)
            self._count = count
        other = self._names.get(skeleton(name))
        refuse_lookalike(name, other if other != name else None)

    def added(self, name: str) -> None:
        """Note a learner just created in the caller's transaction."""
        self._names.setdefault(skeleton(name), name)
        self._count += 1


def admit_learner(bank: Bank | None, name: str) -> str:
    """The normal form of a name given with ``--as NAME``, checked against ``bank``: a learner
    already there is admitted; a new name that looks like one is refused.

    Raises:
        BankError: see :func:`normal_name` and :func:`refuse_lookalike`.
    """
    from crossroads.engine.bank.base import BankUnavailable

    name = normal_name(name)
    try:
        if bank is None or bank.learner(name, create=False) is not None:
            return name
        others = [x.name for x in bank.learners()]
    except BankUnavailable:
        return name  # checked again when the bank takes the first record
    refuse_lookalike(name, lookalike(name, others))
    return name
