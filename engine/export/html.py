"""The facilitator's report as one self-contained HTML page.

No network: inline CSS and SVG, no scripts, no external fonts or images, and a Content Security
Policy that forbids loading anything. Every piece of author or learner text is escaped. The page
counts reflections; the only reflection text it holds is in the themes section, when given: the
themes at each prompt over the reflections the report's reader may see
(:func:`crossroads.engine.reflections.prompts.prompt_themes`, never private ones, anonymous ones
without
their author).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from crossroads.engine.cohort.analysis import scene_order
from crossroads.engine.cohort.model import CohortReport
from crossroads.engine.export.sankey import sankey_svg
from crossroads.engine.model import Story
from crossroads.engine.playable import prompt_text
from crossroads.engine.reflections.prompts import PromptThemes

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
:root { --ink: #1d2430; --muted: #5b6676; --line: #d9dee6; --bar: #3b6ea8; --bg: #fbfcfd;
        --good: #2f8f5b; --mixed: #c08a1e; --hard: #b23b3b; --flow: #3b6ea8; }
* { box-sizing: border-box; }
body { margin: 0; padding: 2rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--bg); max-width: 1100px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem;
     border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.sub, .note, .muted { color: var(--muted); } .note { font-size: .85rem; }
.summary { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; padding: 0; }
.summary li { list-style: none; border: 1px solid var(--line); border-radius: 6px;
              padding: .5rem .9rem; background: #fff; min-width: 8rem; }
.summary b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .3rem 0 1rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: middle; }
th { font-weight: 600; color: var(--muted); font-size: .85rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { height: .8rem; background: #eef1f5; border-radius: 3px; min-width: 10rem; }
.bar span { display: block; height: 100%; background: var(--bar); border-radius: 3px; }
.withheld { color: var(--muted); font-style: italic; }
.ending-good td:first-child { border-left: 4px solid var(--good); }
.ending-mixed td:first-child { border-left: 4px solid var(--mixed); }
.ending-hard td:first-child { border-left: 4px solid var(--hard); }
.up { color: var(--good); } .down { color: var(--hard); }
.figure { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px;
          padding: .5rem; }
svg.sankey { font: 12px system-ui, sans-serif; max-width: 100%; height: auto; }
svg.sankey .flow { fill: none; stroke: var(--flow); stroke-opacity: .35; }
svg.sankey .flow:hover { stroke-opacity: .6; }
svg.sankey .node rect { fill: #44505f; }
svg.sankey .node.withheld rect { fill: url(#hatch); }
svg.sankey .node.withheld text { font-style: italic; }
svg.sankey .node.ending-good rect { fill: var(--good); }
svg.sankey .node.ending-mixed rect { fill: var(--mixed); }
svg.sankey .node.ending-hard rect { fill: var(--hard); }
svg.sankey .hatch-bg { fill: #cfd5dd; } svg.sankey .hatch-line { stroke: #8a94a3;
  stroke-width: 2; }
svg.sankey text { fill: var(--ink); } svg.sankey .count { fill: var(--muted); }
table.matrix td { text-align: center; font-size: .8rem; padding: .2rem; }
.theme { background: #fff; border: 1px solid var(--line); border-radius: 6px;
         padding: .4rem .9rem; margin: .5rem 0; }
.theme h4 { margin: .3rem 0; font-size: .95rem; }
.theme blockquote { margin: .4rem 0 .4rem .8rem; padding-left: .7rem;
                    border-left: 3px solid var(--line); }
.theme cite { color: var(--muted); font-style: normal; white-space: nowrap; }
.voices { font-weight: 600; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _secs(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.1f} s"


def _bar(share: float | None) -> str:
    if share is None:
        return '<div class="bar"></div>'
    return f'<div class="bar"><span style="width:{share * 100:.1f}%"></span></div>'


def _table(head: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    cells = "".join(f"<th>{h}</th>" for h in head)
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _row(label: str, *nums: object) -> str:
    """A table row: the escaped ``label``, then one right-aligned cell per number."""
    cells = "".join(f'<td class="num">{n}</td>' for n in nums)
    return f"<tr><td>{_e(label)}</td>{cells}</tr>"


def _withheld_row(label: str, min_group: int) -> str:
    """A row whose four figures are withheld because the group is too small."""
    return (f'<tr><td>{_e(label)}</td><td class="withheld" colspan="4">'
            f"withheld (fewer than {min_group})</td></tr>")


def _summary(r: CohortReport) -> str:
    items = [
        ("Learners", str(r.learners)),
        ("Started", str(r.started)),
        ("Finished", str(r.finished)),
        ("Completion", _pct(r.completion)),
        ("Abandoned", str(r.abandoned)),
        ("Still playing", str(r.playing)),
    ]
    return '<ul class="summary">' + "".join(
        f"<li><b>{_e(v)}</b>{_e(k)}</li>" for k, v in items) + "</ul>"


def _choices(r: CohortReport) -> str:
    parts = []
    for s in r.scenes:
        if not s.learners:
            continue
        head = (f'<h3>{_e(s.title)} <span class="muted">· {s.learners} '
                f'learner{"s" if s.learners != 1 else ""}, median {_secs(s.median_ms)}</span></h3>')
        if s.withheld:
            parts.append(head + f'<p class="withheld">Split withheld: fewer than {r.min_group} '
                                'learners made this choice.</p>')
            continue
        rows = [
            f"<tr><td>{_e(c.label)}</td><td class=\"num\">{c.count}</td>"
            f"<td class=\"num\">{_pct(c.share)}</td><td>{_bar(c.share)}</td>"
            f"<td class=\"num\">{_secs(c.median_ms)}</td></tr>"
            for c in s.choices
        ]
        parts.append(head + _table(["Choice", "Count", "Share", "", "Median time"], rows))
    return "".join(parts) or '<p class="muted">No choices made yet.</p>'


def _endings(r: CohortReport) -> str:
    if r.endings_withheld:
        return (f'<p class="withheld">Endings withheld: fewer than {r.min_group} learners '
                "finished.</p>")
    total = sum(e.count or 0 for e in r.endings)
    rows = [
        f'<tr class="ending-{_e(e.kind)}"><td>{_e(e.title)}</td><td>{_e(e.kind)}</td>'
        f'<td class="num">{e.count}</td><td>{_bar((e.count or 0) / total if total else 0)}</td>'
        "</tr>"
        for e in r.endings
    ]
    return _table(["Ending", "Kind", "Reached", ""], rows)


def _dropoff(r: CohortReport) -> str:
    lead = (f"<p>{r.finished} of {r.started} playthroughs reached an ending "
            f"({_pct(r.completion)}); {r.unfinished} did not.</p>")
    if not r.unfinished:
        return lead
    if r.stops_withheld:
        return lead + (f'<p class="withheld">Where they stopped is withheld: fewer than '
                       f"{r.min_group} learners.</p>")
    rows = [_row(s.title, s.count) for s in r.stops]
    return lead + _table(["Stopped at", "Playthroughs"], rows)


def _splits(r: CohortReport) -> str:
    if not r.splits:
        return '<p class="muted">No shown scene where paths parted.</p>'
    rows = [_row(s.title, s.pairs) for s in r.splits]
    return ('<p class="note">Each pair of playthroughs counts once, at the scene where their '
            "choices first differed.</p>" + _table(["Scene", "Pairs who parted here"], rows))


def _checkins(r: CohortReport) -> str:
    if not r.checkins:
        return '<p class="muted">This story has no check-ins.</p>'
    rows = []
    for c in r.checkins:
        if c.withheld:
            rows.append(_withheld_row(c.statement, r.min_group))
            continue
        klass = "num" if not c.change else "num up" if c.change > 0 else "num down"
        change = "—" if c.change is None else f"{c.change:+.2f}"
        rows.append(
            f"<tr><td>{_e(c.statement)}</td><td class=\"num\">{_num(c.first_mean, 2)}</td>"
            f"<td class=\"num\">{_num(c.last_mean, 2)}</td><td class=\"{klass}\">{change}</td>"
            f'<td class="num">{c.n}</td></tr>'
        )
    return ('<p class="note">Answers on a 1–5 scale: the mean the first and the last time each '
            "item is asked, and the mean change per learner.</p>"
            + _table(["Item", "First", "Last", "Change", "Learners"], rows))


def _reflections(r: CohortReport, story: Story) -> str:
    if not r.reflections:
        return '<p class="muted">This story asks for no reflections.</p>'
    rows = []
    for p in r.reflections:
        prompt = prompt_text(story, p.prompt, p.scene)  # a scene's or a choice's
        rows.append(_row(prompt, p.shared, p.private, p.skipped))
    return ('<p class="note">Counts of every reflection, shared or not. What learners kept '
            "private is never part of this report.</p>"
            + _table(["Prompt", "Shared stories", "Kept private", "Skipped"], rows))


def _meters(r: CohortReport) -> str:
    if not r.meters:
        return '<p class="muted">This story has no meters.</p>'
    rows = []
    for m in r.meters:
        if m.withheld:
            rows.append(_withheld_row(m.label, r.min_group))
            continue
        rows.append(_row(m.label, _num(m.mean), _num(m.median), f"{m.low} – {m.high}", m.n))
    return _table(["Meter", "Mean", "Median", "Range", "Playthroughs"], rows)


def _matrix(r: CohortReport) -> str:
    if r.similarity is None:
        return ""
    labels = r.similarity_labels
    rows = []
    for label, row in zip(labels, r.similarity, strict=True):
        cells = "".join(
            f'<td style="background:rgba(59,110,168,{v:.2f})">{v:.2f}</td>' for v in row)
        rows.append(f"<tr><th>{_e(label)}</th>{cells}</tr>")
    return ("<h2>How alike the paths were</h2><p class=\"note\">Shared choices ÷ all choices, "
            "between every two playthroughs (numbered at random: no names).</p>"
            + _table(["", *(_e(x) for x in labels)], rows, "matrix"))


def _prompt_text(story: Story, scene_id: str | None, prompt: str) -> str:
    return prompt_text(story, prompt, scene_id)


def _themes(r: CohortReport, story: Story, themes: Sequence[PromptThemes] | None,
            reader: str | None) -> str:
    """Per prompt: the themes, each with its summary and quotes, and "N of N voices"."""
    if themes is None:
        return ""
    who = (f"that {_e(reader)} may see, private ones left out" if reader is not None
           else "shared with everyone who plays the story")
    parts = ["<h2>Themes in what was shared</h2>",
             f'<p class="note">Themes in the reflections {who}; anonymous ones are quoted '
             "without their author. Every one of them is in exactly one theme.</p>"]
    scenes = {p.prompt: p.scene for p in r.reflections}
    for block in themes:
        parts.append(f'<section class="prompt-themes"><h3>'
                     f"{_e(_prompt_text(story, scenes.get(block.prompt), block.prompt))}</h3>")
        if not block.themes.themes:
            parts.append('<p class="muted">No reflections to group here.</p>')
        for theme in block.themes.themes:
            voices = f"{theme.size} voice{'' if theme.size == 1 else 's'}"
            parts.append(f'<div class="theme"><h4>{_e(theme.title)} '
                         f'<span class="muted">· {voices}</span></h4>')
            if theme.summary:
                parts.append(f'<p class="theme-summary">{_e(theme.summary)}</p>')
            parts += [f"<blockquote>“{_e(q.text)}” <cite>— {_e(q.byline)}</cite></blockquote>"
                      for q in theme.quotes]
            parts.append("</div>")
        parts.append(f'<p class="voices">{_e(block.themes.voices)}</p></section>')
    return "".join(parts)


def render_html(report: CohortReport, story: Story,
                themes: Sequence[PromptThemes] | None = None, reader: str | None = None) -> str:
    """The report as one self-contained HTML page; with ``themes``, a section of the themes at
    each prompt (over what ``reader`` may see, as :func:`prompt_themes` read them)."""
    order = scene_order(story)
    depths = dict(order)
    titles = {sid: scene.title or sid for sid, scene in story.scenes.items()}
    endings = {sid: s.ending.kind for sid, s in story.scenes.items() if s.ending is not None}
    who = f"cohort {report.cohort}" if report.cohort else "all playthroughs"
    title = f"{story.title} — {who}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(story.title)}</h1>
<p class="sub">{_e(who.capitalize())} · story <code>{_e(story.id)}</code></p>
</header>
{_summary(report)}
<p class="note">To protect individuals, the split of any group smaller than {report.min_group}
learners is withheld.</p>
<h2>How the choices flowed</h2>
<div class="figure">{sankey_svg(report, titles, depths, endings)}</div>
<h2>Where paths parted</h2>
{_splits(report)}
<h2>Choices, scene by scene</h2>
{_choices(report)}
<h2>How they ended</h2>
{_endings(report)}
<h2>Completion and drop-off</h2>
{_dropoff(report)}
<h2>Check-ins: how answers changed</h2>
{_checkins(report)}
<h2>Reflections</h2>
{_reflections(report, story)}
{_themes(report, story, themes, reader)}
<h2>Meters at the end</h2>
{_meters(report)}
{_matrix(report)}
</body>
</html>
"""
