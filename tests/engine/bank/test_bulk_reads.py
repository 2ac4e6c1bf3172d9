"""The bank's bulk reads for cohort analytics and exports (every test runs on both databases)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from crossroads.engine.bank import Bank, BankError, Batch
from crossroads.engine.bank import sql as bank_sql
from tests.engine.bank.helpers import STORY, choice, play, reflection


def _checkin(answers: dict[str, int], scene: str = "s0") -> dict[str, Any]:
    return {"type": "checkin", "scene": scene, "answers": answers,
            "at": "2024-03-01T09:10:00.000+00:00"}


def test_steps_stream_grouped_by_playthrough_in_order(bank: Bank) -> None:
    a = play(bank, "ana", "c1", [choice(0), reflection("x"), choice(2), choice(3)])
    b = play(bank, "bo", "c1", [choice(0), choice(1)])
    c = play(bank, "cy", "c2", [choice(0)])
    play(bank, "di", "c1", [choice(0)], story="other")
    rows = list(bank.steps_for(STORY))
    by_pt: dict[str, list[int]] = {}
    for r in rows:
        by_pt.setdefault(r.playthrough, []).append(r.seq)
    assert by_pt == {a: [0, 2, 3], b: [0, 1], c: [0]}
    # each playthrough's rows are contiguous
    order = [r.playthrough for r in rows]
    runs = [order[0]] + [o for prev, o in itertools.pairwise(order) if o != prev]
    assert len(runs) == len(set(runs)) == 3
    first = next(r for r in rows if r.playthrough == a)
    assert (first.scene, first.key, first.to, first.ms, first.at) == ("s0", "k0", "s1", 100, None)
    assert {r.playthrough for r in bank.steps_for(STORY, cohort="c1")} == {a, b}
    assert list(bank.steps_for(STORY, cohort="nobody")) == []
    timed = next(r for r in bank.steps_for(STORY, cohort="c2", times=True))
    assert timed.at == "2024-03-01T09:00:00.000+00:00"


def test_bulk_reads_query_per_chunk_not_per_playthrough(
    bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bank_sql, "BULK_CHUNK", 3)
    batches = [Batch(str(uuid.uuid4()), f"l{n}", "c1", STORY, "h",
                     "2024-03-01T08:00:00+00:00", 0, [choice(0), choice(1)])
               for n in range(7)]
    assert bank.write_many(batches) == 7
    reads = 0
    original = bank._read  # type: ignore[attr-defined]

    def counting() -> Any:
        nonlocal reads
        reads += 1
        return original()

    monkeypatch.setattr(bank, "_read", counting)
    rows = list(bank.steps_for(STORY))
    assert len(rows) == 14
    assert reads == 1 + 3  # the id list, then ceil(7 / 3) chunks


def test_write_many_is_idempotent_and_refuses_bad_status(bank: Bank) -> None:
    batch = Batch(str(uuid.uuid4()), "ana", None, STORY, "h", "2024-03-01T08:00:00+00:00", 0,
                  [choice(0)], status="finished", ending="s1",
                  finished="2024-03-01T08:30:00+00:00")
    bank.write_many([batch, batch])
    assert bank.counts()["steps"] == 1
    [p] = bank.playthroughs()
    assert (p.status, p.ending) == ("finished", "s1")
    bad = Batch(str(uuid.uuid4()), "bo", None, STORY, "h", "2024-03-01T08:00:00+00:00",
                status="lost")  # type: ignore[arg-type]
    with pytest.raises(BankError, match="status"):
        bank.write_many([bad])


def test_final_meters_are_those_after_the_last_choice(bank: Bank) -> None:
    a = play(bank, "ana", None, [choice(0), choice(1), reflection("after")])
    b = play(bank, "bo", None, [choice(0)])
    play(bank, "cy", None, [reflection("no choices yet")])
    assert dict(bank.final_meters(STORY)) == {a: {"trust": 51}, b: {"trust": 50}}


def test_checkins_stream_in_order(bank: Bank) -> None:
    a = play(bank, "ana", "c1", [_checkin({"listen": 2, "plan": 3}), choice(1),
                                  _checkin({"listen": 4}, scene="s9")])
    rows = list(bank.checkins_for(STORY, cohort="c1"))
    assert [(r.playthrough, r.seq, r.scene, r.item, r.value) for r in rows] == [
        (a, 0, "s0", "listen", 2), (a, 0, "s0", "plan", 3), (a, 2, "s9", "listen", 4)]


def test_reflection_rows_never_carry_private_or_anonymous_text(bank: Bank) -> None:
    pt = play(bank, "ana", "c1", [
        reflection("my private story", "private", prompt="p1"),
        reflection("for my cohort", "cohort", prompt="p2"),
        reflection("for everyone, unnamed", "bank", anonymous=True, prompt="p3"),
        reflection(None, "private", prompt="p4"),
        reflection("for everyone", "bank", prompt="p5"),
    ])
    rows = {r.prompt: r for r in bank.reflections_for(STORY)}
    assert all(r.playthrough == pt for r in rows.values())
    assert rows["p1"].text is None and rows["p1"].written
    assert rows["p2"].text == "for my cohort"
    assert rows["p3"].text is None and rows["p3"].anonymous and rows["p3"].at is None
    assert not rows["p4"].written and rows["p4"].text is None
    assert rows["p5"].text == "for everyone" and rows["p5"].at is not None
    assert [r.visibility for r in rows.values()] == ["private", "cohort", "bank", "private",
                                                     "bank"]
