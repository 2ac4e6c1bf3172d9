"""Properties over numbers and nesting (issue 12): expressions of any shape either parse to the
value they spell or fail with a positioned error of our own; story numbers of any size load or
fail with a positioned diagnostic; the interval and band arithmetic the explorer uses for wide
meters agrees with plain sets of values."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.diagnostics import CODES, StoryError
from crossroads.engine.explore.abstraction import _rep
from crossroads.engine.explore.flow import MAX_INTERVALS, _shift, _union, block_cuts
from crossroads.engine.loader import load_text
from crossroads.engine.validate import validate
from tests.engine.hostile_stories import story_text

METERS = {"a": 7, "b": -3, "c": 1_000_000}


class _State:
    meters = METERS
    flags: set[str] = set()
    visits: dict[str, int] = {}


numbers = st.one_of(
    st.integers(0, 20),
    st.integers(0, 2_000_000),
    st.integers(10**6 - 2, 10**6 + 2),
    st.integers(0, 10**40),
)


def _leaf() -> st.SearchStrategy[tuple[str, int]]:
    return st.one_of(
        numbers.map(lambda n: (str(n), n)),
        st.sampled_from(sorted(METERS)).map(lambda m: (m, METERS[m])),
    )


def _extend(inner: st.SearchStrategy[tuple[str, int]]) -> st.SearchStrategy[tuple[str, int]]:
    def paren(x: tuple[str, int]) -> tuple[str, int]:
        return f"({x[0]})", x[1]

    def neg(x: tuple[str, int]) -> tuple[str, int]:
        plain = x[0].isalnum()
        return (f"-{x[0]}" if plain else f"-({x[0]})"), -x[1]

    def chain(parts: list[tuple[tuple[str, int], bool]]) -> tuple[str, int]:
        src, value = parts[0][0]
        for (s, v), plus in parts[1:]:
            src += f" {'+' if plus else '-'} ({s})"
            value += v if plus else -v
        return src, value

    return st.one_of(
        inner.map(paren),
        inner.map(neg),
        st.lists(st.tuples(inner, st.booleans()), min_size=2, max_size=40).map(chain),
    )


int_exprs = st.recursive(_leaf(), _extend, max_leaves=200)


def _in_range(src: str) -> bool:
    return all(
        int(tok) <= ex.MAX_NUMBER
        for tok in "".join(ch if ch.isdigit() else " " for ch in src).split()
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(int_exprs)
def test_number_expressions_parse_to_their_value_or_fail_cleanly(case: tuple[str, int]) -> None:
    src, value = case
    try:
        node = ex.parse(src)
    except ex.ExpressionSyntaxError as err:
        assert err.code in ("CR130", "CR131")
        assert err.code in CODES and 0 <= err.offset <= len(src)
        if err.code == "CR131":
            assert not _in_range(src)
        return
    assert _in_range(src)
    assert ex.check(node, set(METERS), set(), set(), "int") == []
    assert ex.evaluate(node, _State()) == value
    assert ex.evaluate(ex.parse(ex.to_source(node)), _State()) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["(", "not ", "-", "not (", "(-"]), min_size=0, max_size=400))
def test_any_nesting_parses_or_is_a_cr130(prefix: list[str]) -> None:
    opened = sum(p.count("(") for p in prefix)
    src = "".join(prefix) + "a" + ")" * opened
    try:
        ex.parse(src)
    except ex.ExpressionSyntaxError as err:
        assert err.code in ("CR120", "CR130", "CR122")  # '-' before 'not' is a syntax error
        if err.code == "CR130":
            assert len(prefix) > ex.MAX_DEPTH // 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 300), st.integers(0, 300))
def test_any_block_nesting_parses_or_is_a_cr130(depth: int, extra: int) -> None:
    text = "{if a > 1}" * depth + "x" + "{else}y" * min(extra, 1) * (depth > 0) + "{end}" * depth
    try:
        tpl = tp.parse_template(text)
    except tp.TemplateSyntaxError as err:
        assert err.code == "CR130" and depth > tp.MAX_BLOCK_DEPTH
        return
    assert depth <= tp.MAX_BLOCK_DEPTH
    assert len(tp.iter_blocks(tpl)) == depth


story_numbers = st.one_of(
    st.integers(-(10**6) - 3, 10**6 + 3).map(str),
    st.integers(-(10**20), 10**20).map(str),
    st.tuples(st.sampled_from(["", "-"]), st.integers(16, 6000)).map(lambda p: p[0] + "7" * p[1]),
)


def _too_big(number: str) -> bool:
    digits = number.lstrip("-")
    return len(digits) > 7 or int(digits) > ex.MAX_NUMBER


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["meter_min", "meter_max", "effect"]), story_numbers)
def test_story_numbers_load_or_give_one_positioned_error(part: str, number: str) -> None:
    fields: dict[str, Any] = {part: number}
    if part == "meter_min":
        fields["meter_max"] = "1000000"
    try:
        story = load_text(story_text(**fields), "n.yaml")
    except StoryError as err:
        diags = err.diagnostics
        assert diags and all(d.code in ("CR131", "CR112") for d in diags)
        assert _too_big(number)
    else:
        assert not _too_big(number)
        diags = validate(story)
    for d in diags:
        assert d.line >= 1 and d.col >= 1 and "\n" not in d.format()
        assert len(d.format()) < 400


# ------------------------------------------------------------------ intervals and bands


def _values(ivs: tuple[tuple[int, int], ...]) -> set[int]:
    return {v for a, b in ivs for v in range(a, b + 1)}


small_sets = st.sets(st.integers(-30, 30), max_size=25)


def _intervals(values: set[int]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for v in sorted(values):
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return tuple(out)


@given(small_sets, small_sets)
def test_interval_union_is_set_union_with_exact_ends(a: set[int], b: set[int]) -> None:
    got = _union(_intervals(a), _intervals(b))
    if max(len(_intervals(a)), len(_intervals(b))) <= MAX_INTERVALS:
        assert len(got) <= MAX_INTERVALS
    values = _values(got)
    assert a | b <= values
    if a | b:
        assert min(values) == min(a | b) and max(values) == max(a | b)
    if len(_intervals(a | b)) <= MAX_INTERVALS:
        assert values == a | b


@given(small_sets, st.sampled_from(["+", "="]), st.integers(-40, 40))
def test_interval_shift_is_the_clamped_effect(a: set[int], op: str, amount: int) -> None:
    lo, hi = -20, 25
    a = {v for v in a if lo <= v <= hi}
    want = {max(lo, min(hi, amount if op == "=" else v + amount)) for v in a}
    assert _values(_shift(_intervals(a), op, amount, lo, hi)) == want


@given(st.sets(st.integers(-50, 50), max_size=10), st.integers(-60, 60))
def test_band_lookup_finds_the_lowest_value_of_the_class(cuts: set[int], v: int) -> None:
    lo = -60
    ordered = tuple(sorted(c for c in cuts if c > lo))
    rep = _rep(ordered, lo, v)
    assert rep <= v
    assert not any(rep < c <= v for c in ordered)
    assert rep == lo or rep in ordered


@given(
    st.integers(-3, 3), st.integers(-50, 50), st.integers(-3, 3), st.integers(-50, 50),
    st.sampled_from(sorted(ex._COMPARE_OPS)),
)
def test_linear_cuts_bound_where_a_comparison_changes(
    k1: int, c1: int, k2: int, c2: int, op: str
) -> None:
    def side(k: int, c: int) -> str:
        return " + ".join(["x"] * k) + f" + {c}" if k > 0 else (
            " - ".join([str(c), *(["x"] * -k)]) if k < 0 else str(c)
        )

    cond = ex.parse(f"{side(k1, c1)} {op} {side(k2, c2)}")
    cuts = block_cuts((cond,), "x")
    truth = {v: bool(ex.evaluate(cond, type("S", (), {"meters": {"x": v}, "flags": set(),
                                                      "visits": {}})())) for v in range(-80, 81)}
    for v in range(-79, 81):
        if truth[v] != truth[v - 1]:
            assert v in cuts, (cond, v, cuts)
