"""A bank bundle's records checked field by field before anything is written.

Every record type has a table of fields: the JSON types each may hold, whether it may be
missing, and its bounds (integers between -2^63 and 2^63 - 1 and tighter where the bank is
tighter, string lengths, the values of an enumeration, ids that are UUIDs, times that are ISO
8601). :func:`check_record` raises a :class:`BankError` naming the field and what is wrong; the
``bank import`` command adds the bundle file and line.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from crossroads.engine.bank.base import STATUSES
from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import VISIBILITIES

__all__ = ["check_record"]

INT_MAX = 2**63 - 1
SHORT = 1_000
"""The longest id, name, code or scene id, in characters."""
LONG = 200_000
"""The longest reflection text, in characters."""

Check = Callable[[Any], str | None]
"""Returns what is wrong with a value that has the right JSON type, or None."""


def _text(limit: int) -> Check:
    return lambda v: f"longer than {limit:,} characters" if len(v) > limit else None


def _int(low: int, high: int) -> Check:
    return lambda v: None if low <= v <= high else f"outside {low}..{high}"


def _uuid(v: str) -> str | None:
    try:
        uuid.UUID(v)
    except ValueError:
        return "not a UUID"
    return None


def _time(v: str) -> str | None:
    if len(v) > 64:
        return "not an ISO 8601 time"
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return "not an ISO 8601 time"
    return None


def _one_of(values: tuple[str, ...] | frozenset[str] | list[str]) -> Check:
    return lambda v: None if v in values else f"not one of {', '.join(sorted(values))}"


def _meters(v: dict[str, Any]) -> str | None:
    if len(v) > SHORT:
        return f"more than {SHORT} meters"
    for key, value in v.items():
        if len(key) > SHORT:
            return "a meter name is too long"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"meter {key[:40]!r} is not a number"
        if not -INT_MAX <= value <= INT_MAX:
            return f"meter {key[:40]!r} is out of range"
    return None


def _lang(v: str) -> str | None:
    from crossroads.engine.l10n.locale import LANG_CODE

    return None if LANG_CODE.fullmatch(v) else "not a language code (such as 'es' or 'pt_BR')"


S, INT, B, D, N = str, int, bool, dict, type(None)
# field: (JSON types, required, check)
_F = tuple[tuple[type, ...], bool, Check | None]
ID: _F = ((S,), True, _uuid)
REF: _F = ((S, N), False, _uuid)
NAME: _F = ((S,), True, _text(SHORT))
OPT_NAME: _F = ((S, N), False, _text(SHORT))
TIME: _F = ((S,), True, _time)
OPT_TIME: _F = ((S, N), False, _time)
SEQ: _F = ((INT,), True, _int(0, 2**31 - 1))

FIELDS: dict[str, dict[str, _F]] = {
    "bundle": {"format": ((S,), True, _text(SHORT)), "schema": ((INT,), False, _int(0, 10**6)),
               "exported": OPT_TIME},
    "learner": {"id": ID, "name": NAME, "created": OPT_TIME},
    "cohort": {"id": ID, "code": NAME, "name": OPT_NAME, "created": OPT_TIME},
    "membership": {"learner": ID, "cohort": ID, "joined": OPT_TIME},
    "playthrough": {"id": ID, "learner": ID, "cohort": REF, "story": NAME, "story_hash": NAME,
                    "started": TIME, "finished": OPT_TIME,
                    "status": ((S,), True, _one_of(STATUSES)), "ending": OPT_NAME,
                    "lang": ((S, N), False, _lang)},
    "step": {"playthrough": ID, "seq": SEQ, "scene": NAME,
             # -1: a scene's "continue" (its next:)
             "index": ((INT,), True, _int(-1, 10**6)), "key": OPT_NAME, "to": OPT_NAME,
             "meters": ((D,), True, _meters), "ms": ((INT, N), False, _int(0, INT_MAX)),
             "at": OPT_TIME},
    "reflection": {"id": ID, "playthrough": REF, "seq": ((INT, N), False, _int(0, 2**31 - 1)),
                   "learner": REF, "cohort": REF, "story": NAME, "prompt": NAME,
                   "scene": NAME, "text": ((S, N), False, _text(LONG)),
                   "visibility": ((S,), True, _one_of(VISIBILITIES)),
                   "anonymous": ((B,), True, None), "created": TIME},
    "checkin": {"id": ID, "playthrough": ID, "seq": SEQ, "pos": ((INT,), False, _int(0, 10**6)),
                "scene": NAME, "item": NAME, "value": ((INT,), True, _int(1, 5)),
                "created": TIME},
}

_JSON_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object",
               type(None): "null"}


def check_record(record: dict[str, Any]) -> None:
    """Check one bundle record's fields (types, presence, bounds, enumerations).

    Raises:
        BankError: the first problem, naming the field.
    """
    kind = record.get("type")
    if not isinstance(kind, str) or kind not in FIELDS:
        raise BankError(f"unknown record type {str(kind)[:40]!r} (expected one of "
                        f"{', '.join(FIELDS)})")
    for name, (types, required, check) in FIELDS[kind].items():
        if name not in record:
            if required:
                raise BankError(f"{kind} record has no {name!r} field")
            continue
        value = record[name]
        # bool is an int in Python; an integer field takes no true/false, a bool field no 1/0
        if type(value) not in types:
            wanted = " or ".join(_JSON_NAMES[t] for t in types)
            raise BankError(f"{kind} field {name!r} must be {wanted}")
        if value is not None and check is not None:
            problem = check(value)
            if problem:
                raise BankError(f"{kind} field {name!r} is {problem}")
    if kind == "learner":
        from crossroads.engine.bank.names import normal_name

        normal_name(record["name"])
