"""The facilitator's report as one self-contained HTML page, from a Jinja2 template.

No network: inline CSS and SVG, no scripts, no external fonts or images, and a Content Security
Policy that forbids loading anything. The template (``templates/report.html.j2``, package data)
is rendered with autoescaping, so every piece of author or learner text is escaped. The flow of
choices is one small chart per decision (:mod:`crossroads.engine.export.sankey`). The page
counts reflections; the only reflection text it holds is in the themes section, when given: the
themes at each prompt over the reflections the report's reader may see
(:func:`crossroads.engine.reflections.prompts.prompt_themes`: for the cohort's facilitator the
cohort's shared ones, never private ones; anonymous ones without their author).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import jinja2

from crossroads.engine.cohort.model import CohortReport
from crossroads.engine.export.sankey import decision_charts, display_titles
from crossroads.engine.model import Story
from crossroads.engine.playable import prompt_text
from crossroads.engine.reflections.prompts import PromptThemes

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_TEMPLATES = "templates"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _secs(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.1f} s"


@cache
def _environment() -> jinja2.Environment:
    """The template environment: package-data templates, autoescaping on, undefined is an
    error."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("crossroads.engine.export", _TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=_pct, num=_num, secs=_secs)
    env.globals["zip"] = zip
    return env


@cache
def _css() -> str:
    return (resources.files("crossroads.engine.export") / _TEMPLATES / "report.css").read_text(
        encoding="utf-8")


def _prompt_text(story: Story, scene_id: str | None, prompt: str) -> str:
    """A prompt's words, asked by a scene or by a choice."""
    return prompt_text(story, prompt, scene_id)


def render_html(report: CohortReport, story: Story,
                themes: Sequence[PromptThemes] | None = None, reader: str | None = None) -> str:
    """The report as one self-contained HTML page; with ``themes``, a section of the themes at
    each prompt (over what ``reader`` may see, as :func:`prompt_themes` read them; without a
    reader, the cohort's shared reflections, as its facilitator sees them)."""
    titles = display_titles({sid: scene.title or sid for sid, scene in story.scenes.items()})
    who = f"cohort {report.cohort}" if report.cohort else "all playthroughs"
    if report.language is not None:
        who += f", {report.language}"
    if reader is not None:
        reading = f"that {reader} may see, private ones left out"
    elif report.cohort:
        reading = "shared with the cohort or with everyone, as its facilitator sees them"
    else:
        reading = "shared with everyone who plays the story"
    return _environment().get_template("report.html.j2").render(
        r=report,
        story=story,
        who=who,
        csp=CSP,
        css=_css(),
        titles=titles,
        charts=decision_charts(report, titles),
        themes=themes,
        reading=reading,
        scenes={p.prompt: p.scene for p in report.reflections},
        prompt_text=lambda scene, prompt: _prompt_text(story, scene, prompt),
    )
