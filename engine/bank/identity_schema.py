"""Schema version 4: who may use a bank behind the cohort server.

Facilitators own cohorts; an invitation is one seat in a cohort, known by the hash of its code
and bound to the learner it first signed in; a learner's profile holds the display name (the
``learners.name`` of a server learner is its id, so display names need not be unique); sessions
are bearer tokens, stored hashed; ``code_attempts`` keeps recent failed code attempts so that the
rate limit holds across server processes.
"""

from __future__ import annotations

SQLITE_V4 = [
    """CREATE TABLE facilitators (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created TEXT NOT NULL)""",
    """CREATE TABLE cohort_owners (
        cohort_id TEXT PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
        facilitator_id TEXT NOT NULL REFERENCES facilitators(id) ON DELETE CASCADE,
        revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)))""",
    "CREATE INDEX cohort_owners_facilitator ON cohort_owners(facilitator_id)",
    """CREATE TABLE cohort_stories (
        cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL,
        PRIMARY KEY (cohort_id, story_id)) WITHOUT ROWID""",
    """CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        expires TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
        learner_id TEXT REFERENCES learners(id) ON DELETE SET NULL)""",
    "CREATE INDEX invitations_cohort ON invitations(cohort_id)",
    "CREATE INDEX invitations_learner ON invitations(learner_id)",
    """CREATE TABLE profiles (
        learner_id TEXT PRIMARY KEY REFERENCES learners(id) ON DELETE CASCADE,
        display_name TEXT NOT NULL,
        cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)))""",
    "CREATE INDEX profiles_cohort ON profiles(cohort_id)",
    """CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('learner', 'facilitator')),
        subject_id TEXT NOT NULL,
        created TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)))""",
    "CREATE INDEX sessions_subject ON sessions(subject_id)",
    """CREATE TABLE code_attempts (
        client TEXT NOT NULL,
        at REAL NOT NULL)""",
    "CREATE INDEX code_attempts_client ON code_attempts(client, at)",
    "CREATE INDEX code_attempts_at ON code_attempts(at)",
]

PG_V4 = [
    """CREATE TABLE facilitators (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created timestamptz NOT NULL)""",
    """CREATE TABLE cohort_owners (
        cohort_id uuid PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
        facilitator_id uuid NOT NULL REFERENCES facilitators(id) ON DELETE CASCADE,
        revoked boolean NOT NULL DEFAULT false)""",
    "CREATE INDEX cohort_owners_facilitator ON cohort_owners(facilitator_id)",
    """CREATE TABLE cohort_stories (
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        story_id text NOT NULL,
        PRIMARY KEY (cohort_id, story_id))""",
    """CREATE TABLE invitations (
        id uuid PRIMARY KEY,
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        code_hash text NOT NULL UNIQUE,
        created timestamptz NOT NULL,
        expires timestamptz NOT NULL,
        revoked boolean NOT NULL DEFAULT false,
        learner_id uuid REFERENCES learners(id) ON DELETE SET NULL)""",
    "CREATE INDEX invitations_cohort ON invitations(cohort_id)",
    "CREATE INDEX invitations_learner ON invitations(learner_id)",
    """CREATE TABLE profiles (
        learner_id uuid PRIMARY KEY REFERENCES learners(id) ON DELETE CASCADE,
        display_name text NOT NULL,
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        revoked boolean NOT NULL DEFAULT false)""",
    "CREATE INDEX profiles_cohort ON profiles(cohort_id)",
    """CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('learner', 'facilitator')),
        subject_id uuid NOT NULL,
        created timestamptz NOT NULL,
        revoked boolean NOT NULL DEFAULT false)""",
    "CREATE INDEX sessions_subject ON sessions(subject_id)",
    """CREATE TABLE code_attempts (
        client text NOT NULL,
        at double precision NOT NULL)""",
    "CREATE INDEX code_attempts_client ON code_attempts(client, at)",
    "CREATE INDEX code_attempts_at ON code_attempts(at)",
]
