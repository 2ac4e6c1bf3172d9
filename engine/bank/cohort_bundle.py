"""A facilitator's export of one of their cohorts: a bank bundle (the format of
:mod:`crossroads.engine.bank.bundle`) that holds what the trust model lets them read, no more.

- The cohort, its learners (their ids and display names) and memberships, playthroughs (with
  the language each was played in, when not as written), steps and check-ins.
- Reflections written in the cohort for the ``cohort`` or the whole ``bank``; never a ``private``
  one. Anonymous ones have no learner, playthrough or sequence number, and only their day.
- Sequence numbers are renumbered without gaps and steps carry no times (check-ins only their
  day): a gap or a pause would show where a private or anonymous reflection was written.

A bundle from :func:`cohort_bundle` imports into a bank like any other (``crossroads bank
import``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crossroads.engine.bank.base import Bank
from crossroads.engine.bank.bundle import bundle_header
from crossroads.engine.bank.identity import Caller, _owned_cohort, _tx_bank
from crossroads.engine.bank.sql import SqlBank
from crossroads.engine.diagnostics import BankError

__all__ = ["cohort_bundle"]


def _day(value: str | None) -> str | None:
    return None if value is None else value[:10] + "T00:00:00.000+00:00"


def cohort_bundle(bank: Bank, facilitator: Caller, cohort_id: str) -> list[dict[str, Any]]:
    """The bundle of one cohort the facilitator owns, header first (one consistent snapshot).

    Raises:
        AuthError: not a facilitator, or not their cohort (404).
    """
    sql_bank = _tx_bank(bank)
    if not isinstance(sql_bank, SqlBank):
        raise BankError(f"the story bank {bank.url} cannot export a cohort")
    header = bundle_header(sql_bank.schema_version()) | {"cohort": cohort_id}
    with sql_bank._read() as tx:
        _owned_cohort(tx, facilitator, cohort_id)
        return [header, *_records(sql_bank, tx, cohort_id)]


def _records(bank: SqlBank, tx: Any, cid: str) -> Iterator[dict[str, Any]]:
    t, i = bank._time_out, bank._id_out
    for r in tx.rows("SELECT l.id, l.name, l.created, p.display_name FROM learners l "
                     "JOIN memberships m ON m.learner_id = l.id "
                     "LEFT JOIN profiles p ON p.learner_id = l.id "
                     "WHERE m.cohort_id = ? ORDER BY l.created, l.id", [cid]):
        yield {"type": "learner", "id": i(r[0]), "name": r[1], "created": t(r[2]),
               "display_name": r[3]}
    for r in tx.rows("SELECT id, name, created FROM cohorts WHERE id = ?", [cid]):
        # a server cohort's code is its id (joining goes through invitations): no secret
        yield {"type": "cohort", "id": i(r[0]), "code": i(r[0]), "name": r[1],
               "created": t(r[2])}
    for r in tx.rows("SELECT learner_id, cohort_id, joined FROM memberships "
                     "WHERE cohort_id = ? ORDER BY joined, learner_id", [cid]):
        yield {"type": "membership", "learner": i(r[0]), "cohort": i(r[1]),
               "joined": t(r[2])}
    plays = tx.rows("SELECT id, learner_id, cohort_id, story_id, story_hash, started, finished, "
                    "status, ending, lang FROM playthroughs WHERE cohort_id = ? "
                    "ORDER BY started, id", [cid])
    mine = "SELECT id FROM playthroughs WHERE cohort_id = ?"
    steps = tx.rows("SELECT playthrough_id, seq, scene, choice_index, choice_key, to_scene, "
                    f"meters FROM steps WHERE playthrough_id IN ({mine}) "
                    "ORDER BY playthrough_id, seq", [cid])
    checkins = tx.rows("SELECT id, playthrough_id, seq, pos, scene, item_id, value, created "
                       f"FROM checkins WHERE playthrough_id IN ({mine}) "
                       "ORDER BY playthrough_id, seq, pos", [cid])
    named = tx.rows("SELECT id, playthrough_id, seq, learner_id, story_id, prompt_id, scene, "
                    "text, visibility, created FROM reflections WHERE cohort_id = ? "
                    "AND visibility <> 'private' AND NOT anonymous ORDER BY created, id", [cid])
    anonymous = tx.rows("SELECT id, story_id, prompt_id, scene, text, visibility, created "
                        "FROM reflections WHERE cohort_id = ? AND visibility <> 'private' "
                        "AND anonymous ORDER BY id", [cid])
    # the kept events' sequence numbers, renumbered 0, 1, 2… per playthrough
    kept: dict[str, set[int]] = {}
    for pid, seq in [(r[0], r[1]) for r in steps] + [(r[1], r[2]) for r in checkins] + [
            (r[1], r[2]) for r in named if r[1] is not None and r[2] is not None]:
        kept.setdefault(str(pid), set()).add(int(seq))
    renumber = {pid: {seq: n for n, seq in enumerate(sorted(seqs))}
                for pid, seqs in kept.items()}

    def seq_of(pid: Any, seq: Any) -> int | None:
        return None if pid is None or seq is None else renumber[str(pid)][int(seq)]

    for r in plays:
        yield {"type": "playthrough", "id": i(r[0]), "learner": i(r[1]), "cohort": i(r[2]),
               "story": r[3], "story_hash": r[4], "started": t(r[5]), "finished": t(r[6]),
               "status": r[7], "ending": r[8],
               **({"lang": r[9]} if r[9] is not None else {})}  # as written: as before
    for r in steps:
        yield {"type": "step", "playthrough": i(r[0]), "seq": seq_of(r[0], r[1]),
               "scene": r[2], "index": r[3], "key": r[4], "to": r[5],
               "meters": bank._json_out(r[6]), "ms": None, "at": None}
    for r in named:
        yield {"type": "reflection", "id": i(r[0]), "playthrough": i(r[1]),
               "seq": seq_of(r[1], r[2]), "learner": i(r[3]), "cohort": cid, "story": r[4],
               "prompt": r[5], "scene": r[6], "text": r[7], "visibility": r[8],
               "anonymous": False, "created": t(r[9])}
    for r in anonymous:
        yield {"type": "reflection", "id": i(r[0]), "playthrough": None, "seq": None,
               "learner": None, "cohort": cid, "story": r[1], "prompt": r[2], "scene": r[3],
               "text": r[4], "visibility": r[5], "anonymous": True, "created": _day(t(r[6]))}
    for r in checkins:
        yield {"type": "checkin", "id": i(r[0]), "playthrough": i(r[1]),
               "seq": seq_of(r[1], r[2]), "pos": r[3], "scene": r[4], "item": r[5],
               "value": r[6], "created": _day(t(r[7]))}
