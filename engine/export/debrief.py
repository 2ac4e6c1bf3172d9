"""The debrief guide (:mod:`crossroads.engine.export.debrief_guide`) as a printable HTML page or
as Markdown, each from a Jinja2 template beside the report's.

HTML: autoescaped, self-contained (inline CSS, no scripts, a Content Security Policy that loads
nothing), with a print stylesheet: ``@page`` margins, black on white, a page break before the
decisions and before the reflections, never a break inside a quote. Markdown: every value the
template prints is Markdown-escaped (``finalize``), so learner and author text is shown
literally, never as markup or HTML.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import jinja2

from crossroads.engine.export.debrief_guide import SESSION_MINUTES, Guide
from crossroads.engine.export.html import CSP

_TEMPLATES = "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&])")
_MD_LEADING = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def md_escape(value: object) -> str:
    """``value`` on one line as Markdown that shows it literally: every character Markdown (or
    HTML inside Markdown) could read as markup is backslash-escaped, and so is a leading list
    or heading marker (``1.``, ``-``, ``+``, ``=``)."""
    if value is None:
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _MD_LEADING.sub(lambda m: (f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}"),
                           text)


def _plural(n: int | None, word: str) -> str:
    if n is None:
        return word + "s"
    return f"{n} {word}{'' if n == 1 else 's'}"


@cache
def _html_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("crossroads.engine.export", _TEMPLATES),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["plural"] = _plural
    return env


@cache
def _md_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("crossroads.engine.export", _TEMPLATES),
        autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        finalize=md_escape, trim_blocks=True, lstrip_blocks=True)
    env.filters["plural"] = _plural
    return env


@cache
def _css() -> str:
    return (resources.files("crossroads.engine.export") / _TEMPLATES / "debrief.css").read_text(
        encoding="utf-8")


def render_guide_html(guide: Guide) -> str:
    """The guide as one self-contained, printable HTML page."""
    assert sum(b.minutes for b in guide.plan) == SESSION_MINUTES
    return _html_env().get_template("debrief.html.j2").render(
        g=guide, csp=CSP, css=_css(), minutes=SESSION_MINUTES)


def render_guide_md(guide: Guide) -> str:
    """The guide as Markdown."""
    assert sum(b.minutes for b in guide.plan) == SESSION_MINUTES
    return _md_env().get_template("debrief.md.j2").render(g=guide, minutes=SESSION_MINUTES)
