"""The cohort report as JSON (the same fields as :meth:`CohortReport.to_json`)."""

from __future__ import annotations

import json

from crossroads.engine.cohort.model import CohortReport

FORMAT = "crossroads-cohort-report/1"


def render_json(report: CohortReport, indent: int | None = 2) -> str:
    """The report as JSON text, tagged with its format."""
    return json.dumps({"format": FORMAT, **report.to_json()}, indent=indent,
                      ensure_ascii=False) + "\n"
