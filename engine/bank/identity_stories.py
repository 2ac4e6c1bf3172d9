"""Every version of a story that a cohort plays, kept in the bank by content hash.

A facilitator uploads a story's YAML for a cohort (or names a shipped story when creating it);
the server validates it, keeps the text under the story's content hash (the ``story_hash`` that
playthroughs carry) and links the version to the cohort. Reports, the cohort view and exports can
then always show the version that was played, without the file. The cohort's members and its
facilitator may fetch the versions linked to their cohorts; nobody else.
"""

from __future__ import annotations

from typing import Any

from crossroads.engine.bank.base import Bank, now
from crossroads.engine.bank.identity import AuthError, Caller, Tx, _is_uuid, _owned_cohort, _tx_bank
from crossroads.engine.diagnostics import BankError, StoryError

MAX_STORY_BYTES = 1024 * 1024
"""A story's YAML may hold this many bytes (UTF-8)."""


def parse_story(text: str) -> tuple[str, str, str]:
    """(story id, content hash, title) of a story's YAML.

    Raises:
        BankError: the text is too long or not a valid story (its first problem, with position).
    """
    from crossroads.engine.loader import load_text

    if len(text.encode("utf-8")) > MAX_STORY_BYTES:
        raise BankError(f"a story may hold {MAX_STORY_BYTES} bytes of YAML, not more")
    try:
        story = load_text(text, "<uploaded story>")
    except StoryError as err:
        raise BankError(f"not a valid story: {err.lines()[0]}") from None
    return story.id, story.content_hash, story.title


def _link(tx: Tx, cohort_id: str, text: str) -> dict[str, str]:
    story_id, digest, title = parse_story(text)
    tx.run("INSERT INTO story_versions (story_hash, story_id, title, yaml, created) "
           "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [digest, story_id, title, text, now()])
    tx.run("INSERT INTO cohort_story_versions (cohort_id, story_hash, added) VALUES (?, ?, ?) "
           "ON CONFLICT DO NOTHING", [cohort_id, digest, now()])
    tx.run("INSERT INTO cohort_stories (cohort_id, story_id) VALUES (?, ?) "
           "ON CONFLICT DO NOTHING", [cohort_id, story_id])
    return {"story_id": story_id, "story_hash": digest, "title": title}


def add_story(bank: Bank, facilitator: Caller, cohort_id: str, text: str) -> dict[str, str]:
    """Keep this version of a story for a cohort the facilitator owns (idempotent).

    Raises:
        AuthError: not the cohort's facilitator.
        BankError: not a valid story.
    """
    with _tx_bank(bank)._write() as tx:
        _owned_cohort(tx, facilitator, cohort_id)
        return _link(tx, cohort_id, text)


def add_shipped_stories(bank: Bank, facilitator: Caller, cohort_id: str,
                        story_ids: list[str]) -> None:
    """Keep the versions of the shipped stories among ``story_ids`` (the others are left for the
    facilitator to upload)."""
    from crossroads.engine.paths import stories_dir

    texts = []
    for story_id in story_ids:
        path = stories_dir() / f"{story_id}.yaml"
        if "/" not in story_id and "\\" not in story_id and path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    if texts:
        with _tx_bank(bank)._write() as tx:
            _owned_cohort(tx, facilitator, cohort_id)
            for text in texts:
                _link(tx, cohort_id, text)


def _allowed(tx: Any, caller: Caller, cohort_id: str) -> bool:
    if caller.role == "learner":
        return caller.cohort_id == cohort_id
    return bool(tx.rows("SELECT 1 FROM cohort_owners WHERE cohort_id = ? AND facilitator_id = ?",
                        [cohort_id, caller.id]))


def cohort_versions(bank: Bank, caller: Caller, cohort_id: str) -> list[dict[str, str]]:
    """The story versions kept for a cohort, for its members and facilitator.

    Raises:
        AuthError: not the caller's cohort.
    """
    with _tx_bank(bank)._read() as tx:
        if not _is_uuid(cohort_id) or not _allowed(tx, caller, cohort_id):
            raise AuthError("this is not your cohort", 403)
        rows = tx.rows("SELECT v.story_id, v.story_hash, v.title FROM cohort_story_versions c "
                       "JOIN story_versions v ON v.story_hash = c.story_hash "
                       "WHERE c.cohort_id = ? ORDER BY v.story_id, c.added", [cohort_id])
    return [{"story_id": r[0], "story_hash": r[1], "title": r[2]} for r in rows]


def story_text(bank: Bank, caller: Caller, story_hash: str) -> str:
    """The YAML of a story version kept for one of the caller's cohorts.

    Raises:
        AuthError: no cohort of the caller plays this version (404: whether it exists is not
            said).
    """
    with _tx_bank(bank)._read() as tx:
        if caller.role == "learner":
            rows = tx.rows("SELECT v.yaml FROM story_versions v JOIN cohort_story_versions c "
                           "ON c.story_hash = v.story_hash WHERE v.story_hash = ? "
                           "AND c.cohort_id = ?", [story_hash, caller.cohort_id])
        else:
            rows = tx.rows("SELECT v.yaml FROM story_versions v JOIN cohort_story_versions c "
                           "ON c.story_hash = v.story_hash JOIN cohort_owners o "
                           "ON o.cohort_id = c.cohort_id WHERE v.story_hash = ? "
                           "AND o.facilitator_id = ? LIMIT 1", [story_hash, caller.id])
    if not rows:
        raise AuthError("no story version with this hash in your cohorts", 404)
    return str(rows[0][0])
