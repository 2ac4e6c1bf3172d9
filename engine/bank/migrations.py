"""Versioned schema migrations for both bank implementations.

``MIGRATIONS[dialect]`` lists, for each version from 1 up, the statements that take a bank from
the previous version to that one. A bank records the versions applied in ``bank_schema``; opening
an older bank applies the missing ones, and a bank newer than :data:`LATEST` is refused.
"""

from __future__ import annotations

from crossroads.engine.bank.identity_schema import (
    PG_V4,
    PG_V5,
    PG_V6,
    SQLITE_V4,
    SQLITE_V5,
    SQLITE_V6,
)

_SQLITE_V1 = [
    """CREATE TABLE learners (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL)""",
    """CREATE TABLE cohorts (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created TEXT NOT NULL)""",
    """CREATE TABLE memberships (
        learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        joined TEXT NOT NULL,
        PRIMARY KEY (learner_id, cohort_id)) WITHOUT ROWID""",
    "CREATE INDEX memberships_cohort ON memberships(cohort_id)",
    """CREATE TABLE playthroughs (
        id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id TEXT REFERENCES cohorts(id) ON DELETE SET NULL,
        story_id TEXT NOT NULL,
        story_hash TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'playing'
            CHECK (status IN ('playing', 'finished', 'abandoned')),
        ending TEXT)""",
    "CREATE INDEX playthroughs_learner ON playthroughs(learner_id, story_id, status, started)",
    "CREATE INDEX playthroughs_story ON playthroughs(story_id, cohort_id)",
    "CREATE INDEX playthroughs_cohort ON playthroughs(cohort_id)",
    """CREATE TABLE steps (
        playthrough_id TEXT NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        scene TEXT NOT NULL,
        choice_index INTEGER NOT NULL,
        choice_key TEXT NOT NULL,
        to_scene TEXT NOT NULL,
        meters TEXT NOT NULL,
        ms INTEGER,
        at TEXT,
        PRIMARY KEY (playthrough_id, seq)) WITHOUT ROWID""",
    """CREATE TABLE reflections (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        playthrough_id TEXT REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq INTEGER,
        learner_id TEXT REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id TEXT REFERENCES cohorts(id) ON DELETE SET NULL,
        story_id TEXT NOT NULL,
        prompt_id TEXT NOT NULL,
        scene TEXT NOT NULL,
        text TEXT,
        visibility TEXT NOT NULL CHECK (visibility IN ('private', 'cohort', 'bank')),
        anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
        created TEXT NOT NULL,
        UNIQUE (playthrough_id, seq))""",
    # one index per branch of the access rule (see crossroads.engine.bank.access.visible_sql)
    "CREATE INDEX reflections_shared ON reflections(story_id, prompt_id, visibility, created, id)",
    "CREATE INDEX reflections_cohort ON reflections(cohort_id, story_id, prompt_id, visibility, "
    "created, id)",
    "CREATE INDEX reflections_learner ON reflections(learner_id, story_id, prompt_id, created, id)",
    """CREATE TABLE checkins (
        id TEXT PRIMARY KEY,
        playthrough_id TEXT NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        pos INTEGER NOT NULL,
        scene TEXT NOT NULL,
        item_id TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
        created TEXT NOT NULL,
        UNIQUE (playthrough_id, seq, item_id))""",
    "CREATE INDEX checkins_item ON checkins(item_id)",
]

_SQLITE_V2 = [
    # full-text search over reflections, kept in step by triggers (external content)
    """CREATE VIRTUAL TABLE reflections_fts USING fts5(
        text, content='reflections', content_rowid='rid', tokenize='porter unicode61')""",
    """CREATE TRIGGER reflections_fts_insert AFTER INSERT ON reflections BEGIN
        INSERT INTO reflections_fts(rowid, text) VALUES (new.rid, coalesce(new.text, ''));
    END""",
    """CREATE TRIGGER reflections_fts_delete AFTER DELETE ON reflections BEGIN
        INSERT INTO reflections_fts(reflections_fts, rowid, text)
            VALUES ('delete', old.rid, coalesce(old.text, ''));
    END""",
    """CREATE TRIGGER reflections_fts_update AFTER UPDATE OF text ON reflections BEGIN
        INSERT INTO reflections_fts(reflections_fts, rowid, text)
            VALUES ('delete', old.rid, coalesce(old.text, ''));
        INSERT INTO reflections_fts(rowid, text) VALUES (new.rid, coalesce(new.text, ''));
    END""",
    "INSERT INTO reflections_fts(rowid, text) SELECT rid, coalesce(text, '') FROM reflections",
]

# The scope tokens let the full-text index itself narrow a search to one story ('y' + the
# story id in hex) or one prompt ('x' + story and prompt ids in hex): the cost of a search at a
# prompt then follows the prompt's size, not the bank's. The bank recomputes them in Python
# (crossroads.engine.bank.sqlite.scope_tokens) and always filters on the ids as well.
_SQLITE_SCOPE = "'x' || hex({r}.story_id || char(31) || {r}.prompt_id) || ' y' || hex({r}.story_id)"

_SQLITE_V3 = [
    "DROP TRIGGER reflections_fts_insert",
    "DROP TRIGGER reflections_fts_delete",
    "DROP TRIGGER reflections_fts_update",
    "DROP TABLE reflections_fts",
    """CREATE VIRTUAL TABLE reflections_fts USING fts5(
        text, scope, content='', tokenize='porter unicode61')""",
    f"""CREATE TRIGGER reflections_fts_insert AFTER INSERT ON reflections BEGIN
        INSERT INTO reflections_fts(rowid, text, scope)
            VALUES (new.rid, coalesce(new.text, ''), {_SQLITE_SCOPE.format(r="new")});
    END""",
    f"""CREATE TRIGGER reflections_fts_delete AFTER DELETE ON reflections BEGIN
        INSERT INTO reflections_fts(reflections_fts, rowid, text, scope)
            VALUES ('delete', old.rid, coalesce(old.text, ''), {_SQLITE_SCOPE.format(r="old")});
    END""",
    f"""CREATE TRIGGER reflections_fts_update AFTER UPDATE OF text, story_id, prompt_id
        ON reflections BEGIN
        INSERT INTO reflections_fts(reflections_fts, rowid, text, scope)
            VALUES ('delete', old.rid, coalesce(old.text, ''), {_SQLITE_SCOPE.format(r="old")});
        INSERT INTO reflections_fts(rowid, text, scope)
            VALUES (new.rid, coalesce(new.text, ''), {_SQLITE_SCOPE.format(r="new")});
    END""",
    "INSERT INTO reflections_fts(rowid, text, scope) SELECT rid, coalesce(text, ''), "
    + _SQLITE_SCOPE.format(r="reflections") + " FROM reflections",
]

_PG_V1 = [
    """CREATE TABLE learners (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created timestamptz NOT NULL)""",
    """CREATE TABLE cohorts (
        id uuid PRIMARY KEY,
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        created timestamptz NOT NULL)""",
    """CREATE TABLE memberships (
        learner_id uuid NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        joined timestamptz NOT NULL,
        PRIMARY KEY (learner_id, cohort_id))""",
    "CREATE INDEX memberships_cohort ON memberships(cohort_id)",
    """CREATE TABLE playthroughs (
        id uuid PRIMARY KEY,
        learner_id uuid NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id uuid REFERENCES cohorts(id) ON DELETE SET NULL,
        story_id text NOT NULL,
        story_hash text NOT NULL,
        started timestamptz NOT NULL,
        finished timestamptz,
        status text NOT NULL DEFAULT 'playing'
            CHECK (status IN ('playing', 'finished', 'abandoned')),
        ending text)""",
    "CREATE INDEX playthroughs_learner ON playthroughs(learner_id, story_id, status, started)",
    "CREATE INDEX playthroughs_story ON playthroughs(story_id, cohort_id)",
    "CREATE INDEX playthroughs_cohort ON playthroughs(cohort_id)",
    """CREATE TABLE steps (
        playthrough_id uuid NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        scene text NOT NULL,
        choice_index integer NOT NULL,
        choice_key text NOT NULL,
        to_scene text NOT NULL,
        meters jsonb NOT NULL,
        ms integer,
        at timestamptz,
        PRIMARY KEY (playthrough_id, seq))""",
    """CREATE TABLE reflections (
        id uuid PRIMARY KEY,
        playthrough_id uuid REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq integer,
        learner_id uuid REFERENCES learners(id) ON DELETE CASCADE,
        cohort_id uuid REFERENCES cohorts(id) ON DELETE SET NULL,
        story_id text NOT NULL,
        prompt_id text NOT NULL,
        scene text NOT NULL,
        text text,
        visibility text NOT NULL CHECK (visibility IN ('private', 'cohort', 'bank')),
        anonymous boolean NOT NULL DEFAULT false,
        created timestamptz NOT NULL,
        UNIQUE (playthrough_id, seq))""",
    "CREATE INDEX reflections_shared ON reflections(story_id, prompt_id, visibility, created, id)",
    "CREATE INDEX reflections_cohort ON reflections(cohort_id, story_id, prompt_id, visibility, "
    "created, id)",
    "CREATE INDEX reflections_learner ON reflections(learner_id, story_id, prompt_id, created, id)",
    """CREATE TABLE checkins (
        id uuid PRIMARY KEY,
        playthrough_id uuid NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        pos integer NOT NULL,
        scene text NOT NULL,
        item_id text NOT NULL,
        value integer NOT NULL CHECK (value BETWEEN 1 AND 5),
        created timestamptz NOT NULL,
        UNIQUE (playthrough_id, seq, item_id))""",
    "CREATE INDEX checkins_item ON checkins(item_id)",
]

_PG_V2 = [
    """ALTER TABLE reflections ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(text, ''))) STORED""",
    "CREATE INDEX reflections_tsv ON reflections USING gin (tsv)",
]

_PG_V3 = [
    "ALTER TABLE reflections DROP COLUMN tsv",
    """ALTER TABLE reflections ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, coalesce(text, ''))
        || to_tsvector('simple'::regconfig, 'x' || md5(story_id || '/' || prompt_id)
                                            || ' y' || md5(story_id))) STORED""",
    "CREATE INDEX reflections_tsv ON reflections USING gin (tsv)",
]

# A facilitator's corrections to the themes (issue 14): kept in order, replayed on each grouping.
_SQLITE_THEME_CORRECTIONS = [
    """CREATE TABLE theme_corrections (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('move', 'rename', 'merge')),
        subject TEXT NOT NULL,
        target TEXT NOT NULL,
        created TEXT NOT NULL)""",
    "CREATE INDEX theme_corrections_scope ON theme_corrections(scope, seq)",
]
_PG_THEME_CORRECTIONS = [
    """CREATE TABLE theme_corrections (
        seq bigserial PRIMARY KEY,
        scope text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('move', 'rename', 'merge')),
        subject text NOT NULL,
        target text NOT NULL,
        created text NOT NULL)""",
    "CREATE INDEX theme_corrections_scope ON theme_corrections(scope, seq)",
]

# The language a playthrough was played in (issue 20): NULL for the story as written.
_SQLITE_LANG = [
    "ALTER TABLE playthroughs ADD COLUMN lang TEXT",
    "CREATE INDEX playthroughs_lang ON playthroughs(story_id, lang)",
]
_PG_LANG = [
    "ALTER TABLE playthroughs ADD COLUMN lang text",
    "CREATE INDEX playthroughs_lang ON playthroughs(story_id, lang)",
]

# A cohort's programme (issue 14): the YAML as the facilitator set it, read back with positions.
_SQLITE_PROGRAMMES = [
    """CREATE TABLE cohort_programmes (
        cohort_id TEXT PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
        yaml TEXT NOT NULL,
        updated TEXT NOT NULL) WITHOUT ROWID""",
]
_PG_PROGRAMMES = [
    """CREATE TABLE cohort_programmes (
        cohort_id uuid PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
        yaml text NOT NULL,
        updated timestamptz NOT NULL)""",
    # the server's role: a cohort's members and facilitator read it; its facilitator sets it
    "ALTER TABLE cohort_programmes ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY crossroads_read ON cohort_programmes FOR SELECT "
    "USING (cohort_id IN (SELECT crossroads_cohorts()))",
    "CREATE POLICY crossroads_add ON cohort_programmes FOR INSERT "
    "WITH CHECK (cohort_id IN (SELECT crossroads_owned_cohorts()))",
    "CREATE POLICY crossroads_change ON cohort_programmes FOR UPDATE "
    "USING (cohort_id IN (SELECT crossroads_owned_cohorts())) "
    "WITH CHECK (cohort_id IN (SELECT crossroads_owned_cohorts()))",
]

MIGRATIONS: dict[str, list[list[str]]] = {
    "sqlite": [_SQLITE_V1, _SQLITE_V2, _SQLITE_V3, SQLITE_V4, SQLITE_V5, SQLITE_V6,
               _SQLITE_THEME_CORRECTIONS, _SQLITE_LANG, _SQLITE_PROGRAMMES],
    "postgresql": [_PG_V1, _PG_V2, _PG_V3, PG_V4, PG_V5, PG_V6, _PG_THEME_CORRECTIONS, _PG_LANG,
                   _PG_PROGRAMMES],
}
LATEST = 9
"""The schema version this version of Crossroads writes."""

assert all(len(steps) == LATEST for steps in MIGRATIONS.values())


def newer_message(found: int) -> str:
    """The refusal for a bank written by a newer Crossroads."""
    return (
        f"this story bank has schema version {found}, newer than this version of Crossroads "
        f"understands (up to {LATEST}); upgrade Crossroads to use it"
    )
