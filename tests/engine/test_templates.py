"""Text interpolation: {meter}, {learner}, {cast.X.name}, {if}…{else}…{end}, {{ }}."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from crossroads.engine import templates as tp


@dataclass
class S:
    meters: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)


def render(text: str, state: S) -> str:
    refs = {("learner",): "Maya", ("cast", "dana", "name"): "Dana Ruiz"}
    return tp.render(tp.parse_template(text), state, {"asked"}, refs)


def test_interpolation_and_blocks() -> None:
    state = S({"trust": 70}, {"asked"})
    text = (
        "Hi {learner}, {cast.dana.name} sees {trust}. "
        "{if trust >= 60}They nod.{elif trust >= 30}They wait.{else}They look away.{end} "
        "{if asked}{if trust > 90}A{else}B{end}{end} {{literal}}"
    )
    assert render(text, state) == (
        "Hi Maya, Dana Ruiz sees 70. They nod. B {literal}"
    )
    assert render(text, S({"trust": 40})).endswith("They wait.  {literal}")
    assert "They look away." in render(text, S({"trust": 10}))


def test_blocks_span_lines() -> None:
    text = "Line one.\n{if asked}Line two\nand three.{end}\nEnd."
    assert render(text, S({}, {"asked"})) == "Line one.\nLine two\nand three.\nEnd."
    assert render(text, S()) == "Line one.\n\nEnd."


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("abc {if trust >=}x{end}", 16, "ends too early"),
        ("abc {if asked}x", 4, "never closed"),
        ("abc {end}", 4, "without an '{if}'"),
        ("abc {else}", 4, "without an '{if}'"),
        ("a } b", 2, "lone '}'"),
        ("a { b", 2, "never closed on its line"),
        ("{if}x{end}", 0, "needs a condition"),
        ("{cast.dana}", 1, "cast.ID.FIELD"),
        ("{if a}x{else}y{else}z{end}", 14, "second '{else}'"),
    ],
)
def test_errors_have_offsets(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(tp.TemplateSyntaxError) as err:
        tp.parse_template(text)
    assert err.value.offset == offset
    assert fragment in err.value.message


def test_plain_text_fast_path() -> None:
    tpl = tp.parse_template("No braces here.")
    assert tpl.is_plain
