"""Cohort comparison: where a group's paths through a story agreed, split and ended.

:func:`analyse` builds a facilitator's :class:`CohortReport` from the story bank (aggregates
only, with small groups withheld); :func:`cohort_view` adds, for one learner, their own path and
the paths their cohort-mates shared with them (see :mod:`crossroads.engine.cohort.view` for the
rule).
"""

from __future__ import annotations

from crossroads.engine.cohort.analysis import analyse, build_report, scene_order
from crossroads.engine.cohort.model import (
    MIN_GROUP,
    CheckinChange,
    ChoiceShare,
    CohortReport,
    Divergence,
    EndingCount,
    Flow,
    MeterSummary,
    PromptCount,
    SceneSplit,
    SplitPoint,
    StopCount,
)
from crossroads.engine.cohort.paths import (
    divergences,
    first_divergence,
    similarity,
    similarity_matrix,
)
from crossroads.engine.cohort.view import CohortView, LearnerPath, cohort_view, shared_paths

__all__ = [
    "MIN_GROUP",
    "CheckinChange",
    "ChoiceShare",
    "CohortReport",
    "CohortView",
    "Divergence",
    "EndingCount",
    "Flow",
    "LearnerPath",
    "MeterSummary",
    "PromptCount",
    "SceneSplit",
    "SplitPoint",
    "StopCount",
    "analyse",
    "build_report",
    "cohort_view",
    "divergences",
    "first_divergence",
    "scene_order",
    "shared_paths",
    "similarity",
    "similarity_matrix",
]
