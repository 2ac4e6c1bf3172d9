"""The cohort report as one CSV table (long format: a section column, then fixed columns).

Columns: ``section, scene, key, label, count, share, value``. Sections: ``summary`` (a ``lang``
row, value the language code or ``source``, when the report keeps one language's playthroughs),
``choice`` (value: median milliseconds), ``ending`` (key: kind), ``stop``, ``split`` (count:
pairs), ``meter`` (key: ``meter.mean|median|min|max``), ``checkin`` (key:
``item.first|last|change``, count: learners), ``reflection`` (key: ``shared|private|skipped``).
Withheld numbers are empty.
Text cells that a spreadsheet would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from crossroads.engine.cohort.model import CohortReport

COLUMNS = ["section", "scene", "key", "label", "count", "share", "value"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def report_rows(r: CohortReport) -> list[list[Any]]:
    """The report's rows (without the header)."""
    rows: list[list[Any]] = []
    add = rows.append
    for key, value in (("learners", r.learners), ("started", r.started),
                       ("finished", r.finished), ("abandoned", r.abandoned),
                       ("playing", r.playing), ("completion", r.completion),
                       ("min_group", r.min_group)):
        add(["summary", "", key, "", "", "", value])
    if r.lang is not None:  # only the playthroughs played in one language
        add(["summary", "", "lang", r.language, "", "", r.lang])
    for s in r.scenes:
        for c in s.choices:
            add(["choice", s.scene, c.key, c.label, c.count, c.share, c.median_ms])
    for e in r.endings:
        add(["ending", e.scene, e.kind, e.title, e.count, "", ""])
    for st in r.stops:
        add(["stop", st.scene, "", st.title, st.count, "", ""])
    for sp in r.splits:
        add(["split", sp.scene, "", sp.title, sp.pairs, "", ""])
    for m in r.meters:
        for stat, value in (("mean", m.mean), ("median", m.median), ("min", m.low),
                            ("max", m.high)):
            add(["meter", "", f"{m.meter}.{stat}", m.label, m.n, "", value])
    for ch in r.checkins:
        for stat, value in (("first", ch.first_mean), ("last", ch.last_mean),
                            ("change", ch.change)):
            add(["checkin", "", f"{ch.item}.{stat}", ch.statement, ch.n, "", value])
    for p in r.reflections:
        for kind, n in (("shared", p.shared), ("private", p.private), ("skipped", p.skipped)):
            add(["reflection", p.scene, kind, p.prompt, n, "", ""])
    return rows


def render_csv(r: CohortReport) -> str:
    """The report as CSV text (with a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report_rows(r):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
