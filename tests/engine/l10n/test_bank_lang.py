"""The bank records the language a playthrough was played in (schema version 8)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.base import Batch
from crossroads.engine.bank.caller_rules import batch_for
from crossroads.engine.bank.identity import Caller
from crossroads.engine.bank.migrations import LATEST
from crossroads.engine.diagnostics import BankError


def _batch(lang: str | None) -> Batch:
    return Batch(str(uuid.uuid4()), "ana", None, "kettle", "h1", "2026-01-01T00:00:00+00:00",
                 lang=lang)


def test_an_older_bank_gains_the_language_column(tmp_path: Path) -> None:
    url = str(tmp_path / "bank.sqlite3")
    with open_bank(url, migrate_to=LATEST - 1) as old:
        old.write(_batch(None))  # an older bank still takes a story played as written
    with open_bank(url) as bank:
        assert bank.schema_version() == LATEST
        bank.write(_batch("es"))
        assert sorted(str(p.lang) for p in bank.playthroughs("kettle")) == ["None", "es"]
        assert [p.lang for p in bank.playthroughs(lang="es")] == ["es"]
        assert [p.lang for p in bank.playthroughs(lang="source")] == [None]
        assert bank.playthroughs(lang="de") == []


def test_the_journal_line_carries_the_language_only_when_there_is_one() -> None:
    assert "lang" not in _batch(None).to_json()  # an older cohort server takes it as before
    batch = _batch("pt_BR")
    assert Batch.from_json(batch.to_json()) == batch


def test_the_cohort_server_takes_a_language_code_and_nothing_else() -> None:
    caller = Caller("learner", str(uuid.uuid4()), "ana", "x", str(uuid.uuid4()))
    data = _batch("es").to_json()
    assert batch_for(caller, dict(data)).lang == "es"
    for bad in ("../../etc", 3, "x" * 40, "es\n", "es\n<script>"):
        with pytest.raises(BankError, match="lang must be a language code"):
            batch_for(caller, {**data, "lang": bad})


def test_a_bundle_carries_the_language(tmp_path: Path) -> None:
    with open_bank(str(tmp_path / "a.sqlite3")) as a:
        a.write(_batch("es"))
        a.write(_batch(None))
        records = list(a.export_records())
    plays = [r for r in records if r["type"] == "playthrough"]
    assert sorted(str(r.get("lang")) for r in plays) == ["None", "es"]
    assert sum("lang" in r for r in plays) == 1  # as written: the record is as before
    with open_bank(str(tmp_path / "b.sqlite3")) as b:
        b.import_records(records)
        assert sorted(str(p.lang) for p in b.playthroughs("kettle")) == ["None", "es"]
    from crossroads.engine.bank.bundle_check import check_record

    for record in records:
        check_record(record)  # what 'crossroads bank import' checks before writing anything
    with pytest.raises(BankError, match="lang"):
        check_record({**plays[0], "lang": "x/../y"})
