"""What the learner's cohort programme says is due next, for the story picker.

The player's store knows the learner's cohort: a local bank's store plays in the cohort of
``--cohort CODE`` (``BankSessionStore.cohort_code``); a cohort server's store holds the signed-in
learner's login, whose cohort the server knows. No cohort, no programme, or a server that cannot
be reached: nothing is due (the picker then shows no line).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crossroads.engine.bank.base import BankUnavailable
from crossroads.engine.programme import Programme, load_programme_text
from crossroads.engine.programme_status import Due, due_for

__all__ = ["learner_due", "store_programme"]


def store_programme(store: Any) -> Programme | None:
    """The programme of the cohort the store plays in, or None.

    Raises:
        BankError: the bank or server failed (the picker says so and shows no line).
    """
    bank = getattr(store, "bank", None)
    if bank is None:
        return None
    login = getattr(bank, "login", None)
    client = getattr(bank, "client", None)
    if login is not None and client is not None:  # a cohort server's learner
        if not login.cohort:
            return None
        from crossroads.engine.remote.client import NotFound

        try:
            data = client.get(f"/api/cohorts/{login.cohort}/programme")
        except NotFound:
            return None
        return load_programme_text(str(data["yaml"]), "<your cohort's programme>")
    code = getattr(store, "cohort_code", None)
    if not code or not hasattr(bank, "_read"):
        return None
    cohort = bank.cohort(code)
    if cohort is None:
        return None
    from crossroads.engine.programme_bank import cohort_programme

    stored = cohort_programme(bank, cohort.id, code)
    return None if stored is None else stored.programme


def learner_due(store: Any, learner: str, today: dt.date | None = None) -> Due | None:
    """What ``learner`` should play next in their cohort's programme (None: no programme, every
    session done, or the bank or server cannot be reached right now: the learner plays on
    offline without being told twice).

    Raises:
        BankError: the bank or server refused (the picker says so and shows no line).
    """
    try:
        programme = store_programme(store)
    except BankUnavailable:
        return None
    if programme is None:
        return None
    bank = store.bank
    finished = {s.story for s in programme.sessions
                if any(p.learner == learner and p.status == "finished"
                       for p in bank.playthroughs(story_id=s.story))}
    return due_for(programme, finished, today or dt.date.today())
