"""Who may read what: the reflection access rules, as SQL.

A reflection's ``visibility`` is ``private`` (its author only), ``cohort`` (its author and the
members of the cohort it was written in) or ``bank`` (everyone); an ``anonymous`` one never shows
its author's name, and the time it was written is withheld wherever it could tie it to the
author's steps. Every query that reads reflection text for someone other than its author builds
its filter here.
"""

from __future__ import annotations

from typing import Any

from crossroads.engine.bank.tx import equal_filters

__all__ = ["AUTHOR_TIME", "SHARED_TEXT", "cohort_shared_sql", "visible_sql"]

SHARED_TEXT = "CASE WHEN visibility <> 'private' AND NOT anonymous THEN text END"
"""A reflection's text when it is shared under its author's name, else NULL (analytics)."""
AUTHOR_TIME = "CASE WHEN anonymous THEN NULL ELSE created END"
"""A reflection's creation time, NULL when anonymous (analytics)."""


def visible_sql(
    reader_id: str | None,
    story_id: str | None,
    prompt_id: str | None,
    match: tuple[str, list[Any]] | None,
    limit: int,
    offset: int,
    cohort_id: str | None = None,
) -> tuple[str, list[Any]]:
    """The query for the reflections ``reader_id`` may see (None: only ``bank`` ones).

    The access rule is three disjoint branches, each served by its own index and cut at
    ``offset + limit`` rows, merged newest first: the cost does not grow with the bank.

    Args:
        reader_id: the reading learner's id, or None for nobody in particular.
        story_id: only reflections on this story, when given.
        prompt_id: only reflections at this prompt, when given.
        match: a full-text condition on ``r`` and its parameters, when searching.
        limit: the page size.
        offset: rows to skip (newest first).
        cohort_id: only narrows every branch to the reflections written in that cohort.

    Returns:
        The statement (``?`` placeholders) and its parameters; each row is (id, text, author
        name or NULL when anonymous, created, visibility, author id).
    """
    filters, fparams = equal_filters(
        {"r.cohort_id": cohort_id, "r.story_id": story_id, "r.prompt_id": prompt_id}
    )
    filters.insert(0, "r.text IS NOT NULL")
    if match is not None:
        filters.append(match[0])
        fparams += match[1]
    common = " AND ".join(filters)
    cols = "r.id, r.text, r.learner_id, r.anonymous, r.created, r.visibility"
    n = offset + limit
    table = "reflections r"
    branches: list[tuple[str, str, list[Any]]] = [(table, "r.visibility = 'bank'", [])]
    if reader_id is not None:
        branches.append(
            (table, "r.learner_id = ? AND r.visibility <> 'bank'", [reader_id])
        )
        # driven from the reader's memberships, so each cohort's index range is read
        branches.append((
            "memberships m JOIN reflections r ON r.cohort_id = m.cohort_id",
            "m.learner_id = ? AND r.visibility = 'cohort' "
            "AND (r.learner_id IS NULL OR r.learner_id <> ?)",
            [reader_id, reader_id],
        ))
    parts, params = [], []
    for i, (source, cond, cparams) in enumerate(branches):
        parts.append(
            f"SELECT * FROM (SELECT {cols} FROM {source} WHERE {cond} AND {common} "
            f"ORDER BY r.created DESC, r.id DESC LIMIT ?) b{i}"
        )
        params += [*cparams, *fparams, n]
    # names are looked up for the page only (a join invites a scan of every learner)
    sql = (
        "SELECT v.id, v.text, CASE WHEN v.anonymous THEN NULL ELSE "
        "(SELECT l.name FROM learners l WHERE l.id = v.learner_id) END, v.created, "
        "v.visibility, v.learner_id FROM (SELECT * FROM (" + " UNION ALL ".join(parts)
        + ") u ORDER BY u.created DESC, u.id DESC LIMIT ? OFFSET ?) v "
        "ORDER BY v.created DESC, v.id DESC"
    )
    return sql, [*params, limit, offset]


def cohort_shared_sql(
    cohort_id: str, story_id: str, prompt_id: str | None, limit: int, offset: int
) -> tuple[str, list[Any]]:
    """The query for what a cohort's facilitator reads of it: the reflections written in the
    cohort and shared with it (``cohort``) or with everyone (``bank``), never ``private`` ones;
    an anonymous one without its author. Rows as :func:`visible_sql`'s, newest first."""
    filters, fparams = equal_filters({"r.prompt_id": prompt_id})
    where = " AND ".join(["r.cohort_id = ?", "r.story_id = ?", "r.text IS NOT NULL",
                          "r.visibility IN ('cohort', 'bank')", *filters])
    sql = (
        "SELECT r.id, r.text, CASE WHEN r.anonymous THEN NULL ELSE "
        "(SELECT l.name FROM learners l WHERE l.id = r.learner_id) END, r.created, "
        f"r.visibility, r.learner_id FROM reflections r WHERE {where} "
        "ORDER BY r.created DESC, r.id DESC LIMIT ? OFFSET ?"
    )
    return sql, [cohort_id, story_id, *fparams, limit, offset]
