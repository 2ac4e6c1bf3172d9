"""The condition language: parsing, checking, evaluation — never eval."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from crossroads.engine import expressions as ex


@dataclass
class S:
    meters: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)


METERS = {"trust", "time"}
FLAGS = {"asked", "warned"}
SCENES = {"inbox", "leads"}


def run(src: str, state: S) -> int | bool:
    node = ex.parse(src)
    assert ex.check(node, METERS, FLAGS, SCENES, want=None) == []
    return ex.evaluate(node, state, FLAGS)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("trust >= 40", True),
        ("trust >= 40 and not asked", False),
        ("trust > 60 or asked", True),
        ("not (trust < 10 or time == 3)", False),
        ("trust - time == 47", True),
        ("visited(\"inbox\")", True),
        ("visits('inbox') >= 2", True),
        ("visited('leads')", False),
        ("asked == true", True),
        ("-5 < 0", True),
        ("trust + 10 == 60", True),
    ],
)
def test_evaluates(src: str, expected: bool) -> None:
    state = S({"trust": 50, "time": 3}, {"asked"}, {"inbox": 2})
    assert run(src, state) is expected or run(src, state) == expected


@pytest.mark.parametrize(
    ("src", "offset", "fragment"),
    [
        ("trust >=", 8, "ends too early"),
        ("trust >= 40 && asked", 12, "use 'and'"),
        ("trust = 4", 6, "use '=='"),
        ("(trust > 4", 10, "expected ')'"),
        ("trust > 4 > 3", 10, "chained"),
        ("visited(inbox)", 8, "in quotes"),
        ("", 0, "empty"),
        ("trust 4", 6, "after a complete expression"),
        ("__import__('os')", 10, "after a complete expression"),
    ],
)
def test_syntax_errors_point_inside_the_expression(src: str, offset: int, fragment: str) -> None:
    with pytest.raises(ex.ExpressionSyntaxError) as err:
        ex.parse(src)
    assert err.value.offset == offset
    assert fragment in err.value.message


@pytest.mark.parametrize(
    ("src", "code", "offset"),
    [
        ("trust >= 4 and nonsense", "CR121", 15),
        ("visited('nowhere')", "CR124", 8),
        ("trust", "CR122", 0),
        ("asked > 3", "CR122", 6),
        ("trust == asked", "CR122", 6),
        ("not trust", "CR122", 4),
    ],
)
def test_semantic_problems(src: str, code: str, offset: int) -> None:
    problems = ex.check(ex.parse(src), METERS, FLAGS, SCENES)
    assert [(p.code, p.offset) for p in problems] == [(code, offset)]


def test_evaluation_never_uses_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec/compile must not be called")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, boom)
    ex.parse.cache_clear()
    state = S({"trust": 20}, set(), {"inbox": 2})
    assert run("trust >= 10 and (asked or visits('inbox') > 1)", state)


def test_names_and_scene_refs() -> None:
    node = ex.parse("trust > 3 and asked or visited('leads')")
    assert ex.names(node) == {"trust", "asked"}
    assert ex.scene_refs(node) == {"leads"}
    assert ex.parse(ex.to_source(node)) is not None
