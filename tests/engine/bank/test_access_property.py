"""Property: over any learners × cohorts × visibilities × anonymity, no view, search or export
shows a reader a reflection the rules keep from them, or the author of an anonymous one."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.engine.bank import Bank, open_bank
from tests.engine.bank.conftest import need_pg, with_schema
from tests.engine.bank.helpers import STORY, play, reflection


@dataclass(frozen=True)
class Written:
    author: str
    cohort: str | None
    visibility: str
    anonymous: bool
    token: str


@dataclass(frozen=True)
class World:
    learners: list[str]
    members: dict[str, set[str]]
    """cohort → learners in it (joined, or played in it)."""
    reflections: list[Written]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    learners = [f"learner{i}" for i in range(draw(st.integers(2, 4)))]
    cohorts = [f"cohort{i}" for i in range(draw(st.integers(0, 2)))]
    members: dict[str, set[str]] = {c: set() for c in cohorts}
    for learner in learners:
        for c in draw(st.sets(st.sampled_from(cohorts))) if cohorts else ():
            members[c].add(learner)
    written = []
    for i in range(draw(st.integers(1, 8))):
        author = draw(st.sampled_from(learners))
        cohort = draw(st.none() | st.sampled_from(cohorts)) if cohorts else None
        if cohort is not None:
            members[cohort].add(author)  # playing in a cohort joins it
        written.append(Written(author, cohort, draw(st.sampled_from(["private", "cohort", "bank"])),
                               draw(st.booleans()), f"token{i}x"))
    return World(learners, members, written)


def may_see(world: World, reader: str | None, r: Written) -> bool:
    """The access rule, written independently of the bank's SQL."""
    if r.visibility == "bank" or (reader is not None and r.author == reader):
        return True
    return (r.visibility == "cohort" and r.cohort is not None and reader is not None
            and reader in world.members[r.cohort])


def fill(bank: Bank, world: World) -> None:
    for cohort, people in world.members.items():
        for learner in sorted(people):
            bank.join(learner, cohort)
    for i, r in enumerate(world.reflections):
        play(bank, r.author, r.cohort, [reflection(
            f"{r.token} shared words", r.visibility, r.anonymous,
            at=f"2024-03-01T10:{i:02d}:00.000+00:00")])


def check(bank: Bank, world: World) -> None:
    by_token = {r.token: r for r in world.reflections}
    for reader in [*world.learners, "stranger", None]:
        expected = {r.token for r in world.reflections if may_see(world, reader, r)}
        views: list[list[Any]] = [bank.search(None, reader=reader, limit=100),
                                  bank.search("shared words", reader=reader, limit=100)]
        if reader is not None:
            views.append(bank.shared_reflections(STORY, "p1", reader, limit=100))
        for view in views:
            assert {x.text.split()[0] for x in view} == expected
            assert [x.created for x in view] == sorted((x.created for x in view), reverse=True)
            for x in view:
                r = by_token[x.text.split()[0]]
                assert x.author == (None if r.anonymous else r.author)
                assert x.mine == (r.author == reader)
        for r in world.reflections:
            found = bank.search(r.token, reader=reader)
            assert len(found) == (1 if r.token in expected else 0)


def check_export(bank: Bank, world: World) -> list[dict[str, Any]]:
    bundle = list(bank.export_records())
    anonymous = {r.token for r in world.reflections if r.anonymous}
    for record in bundle:
        if record["type"] == "reflection" and record["text"].split()[0] in anonymous:
            assert record["learner"] is None and record["playthrough"] is None
            assert record["seq"] is None
        if record["type"] == "reflection":
            # the id appears once: nothing else in the bundle points at a reflection
            assert sum(str(record["id"]) in str(other) for other in bundle) == 1
    return bundle


@contextmanager
def fresh(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / f"{uuid.uuid4().hex}.sqlite3")
        return
    import psycopg

    base = need_pg()
    schema = f"p_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.parametrize(
    ("kind", "examples"),
    [("sqlite", 40), pytest.param("postgresql", 12, marks=pytest.mark.postgres)],
)
def test_no_view_search_or_export_shows_what_a_reader_may_not_see(
    kind: str, examples: int
) -> None:
    if kind == "postgresql":
        need_pg()

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(world=worlds())
    def run(world: World) -> None:
        with tempfile.TemporaryDirectory() as tmp, fresh(kind, Path(tmp)) as url:
            with open_bank(url) as bank:
                fill(bank, world)
                check(bank, world)
                bundle = check_export(bank, world)
            # a bank rebuilt from the export never shows anyone more than the original did
            with open_bank(str(Path(tmp) / "copy.sqlite3")) as copy:
                copy.import_records(bundle)
                for reader in [*world.learners, "stranger", None]:
                    allowed = {r.token for r in world.reflections
                               if may_see(world, reader, r)}
                    for x in copy.search(None, reader=reader, limit=100):
                        token = x.text.split()[0]
                        assert token in allowed
                        if next(r for r in world.reflections if r.token == token).anonymous:
                            assert x.author is None and not x.mine

    run()
