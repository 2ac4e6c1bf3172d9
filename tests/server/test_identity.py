"""Identity in the bank itself: codes and tokens stored only as hashes, the overall rate limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crossroads.engine.bank import identity as ident
from crossroads.engine.bank import open_bank


def test_codes_and_tokens_are_never_stored_only_their_hashes(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        fac_token = ident.add_facilitator(bank, "Fay")
        fay = ident.authenticate(bank, fac_token)
        made = ident.create_cohort(bank, fay, "one", 2)
        token, _ = ident.redeem_code(bank, made.invitations[0]["code"], "10.0.0.1", "Ana")
    secrets = [fac_token, token, *(seat["code"] for seat in made.invitations)]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("bank.sqlite3*"))
    dump = "\n".join(sqlite3.connect(path).iterdump())
    for secret in secrets:
        normal = ident.normalise_code(secret)
        assert secret.encode() not in raw and normal.encode() not in raw
        assert secret not in dump and normal not in dump
    assert ident.secret_hash(token) in dump


def test_codes_are_long_random_and_forgiving_to_type() -> None:
    codes = {ident.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 30 and len(ident.normalise_code(c)) == 26 for c in codes)
    assert ident.CODE_LENGTH * 5 >= 128  # base 32: five bits a character
    assert ident.normalise_code("abcde-fghjk olio") == "ABCDEFGHJK0110"


def test_the_overall_limit_stops_guesses_spread_over_many_addresses(tmp_path: Path) -> None:
    with open_bank(str(tmp_path / "bank.sqlite3")) as bank:
        fay = ident.authenticate(bank, ident.add_facilitator(bank, "Fay"))
        code = ident.create_cohort(bank, fay, "one", 1).invitations[0]["code"]
        for i in range(5):
            with pytest.raises(ident.AuthError):
                ident.redeem_code(bank, "WRONG" * 5 + "X", f"10.0.0.{i}", per_client=3, overall=5)
        with pytest.raises(ident.RateLimited):
            ident.redeem_code(bank, code, "10.9.9.9", per_client=3, overall=5)
        # a short window lets the real code through once the failures have aged out
        token, learner = ident.redeem_code(bank, code, "10.9.9.9", per_client=3, overall=5,
                                           window=0.0)
        assert ident.authenticate(bank, token).id == learner.id
