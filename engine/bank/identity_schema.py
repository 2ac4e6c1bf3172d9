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

# ---------------------------------------------------------------------- version 5
# Anonymity at rest and story versions. ``bank_secrets`` holds the key of the authors' keyed
# hashes (never exported, never granted to the server's PostgreSQL role); an anonymous
# reflection of a server learner keeps only ``author_key`` = SHA-256 of "KEY:LEARNER_ID"
# (see crossroads.engine.bank.identity_secret) and loses its learner, playthrough, sequence
# number and time of day. ``story_versions`` keeps every version of a story a cohort plays.

SQLITE_V5 = [
    "CREATE TABLE bank_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # randomblob: SQLite's ChaCha20 generator, seeded from the operating system
    "INSERT INTO bank_secrets (name, value) VALUES ('author_key', lower(hex(randomblob(32))))",
    "ALTER TABLE reflections ADD COLUMN author_key TEXT",
    "CREATE INDEX reflections_author ON reflections(author_key) WHERE author_key IS NOT NULL",
    """CREATE TABLE story_versions (
        story_hash TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        title TEXT NOT NULL,
        yaml TEXT NOT NULL,
        created TEXT NOT NULL)""",
    """CREATE TABLE cohort_story_versions (
        cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        story_hash TEXT NOT NULL REFERENCES story_versions(story_hash),
        added TEXT NOT NULL,
        PRIMARY KEY (cohort_id, story_hash)) WITHOUT ROWID""",
    "CREATE INDEX cohort_story_versions_hash ON cohort_story_versions(story_hash)",
    # existing anonymous rows of server learners are sealed by the server when it starts
    # (SQLite has no SHA-256 in SQL): crossroads.engine.bank.identity_secret.seal_anonymous
]

_AUTHOR_KEY_SQL = ("encode(sha256(convert_to((SELECT value FROM bank_secrets "
                   "WHERE name = 'author_key') || ':' || {learner}::text, 'UTF8')), 'hex')")

_PG_FUNCTIONS = [
    # The caller is whoever the transaction's token belongs to (crossroads.token, set by the
    # server per transaction): a connection that only claims an id is nobody.
    """CREATE FUNCTION crossroads_token_hash() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN coalesce(current_setting('crossroads.token', true), '') = '' THEN NULL
               ELSE encode(sha256(convert_to(current_setting('crossroads.token', true),
                                             'UTF8')), 'hex') END $$""",
    """CREATE FUNCTION crossroads_code_hash() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN coalesce(current_setting('crossroads.code', true), '') = '' THEN NULL
               ELSE encode(sha256(convert_to(current_setting('crossroads.code', true),
                                             'UTF8')), 'hex') END $$""",
    """CREATE FUNCTION crossroads_caller() RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path FROM CURRENT AS $$
        SELECT subject_id FROM sessions
        WHERE token_hash = crossroads_token_hash() AND NOT revoked $$""",
    """CREATE FUNCTION crossroads_owned_cohorts() RETURNS SETOF uuid LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT o.cohort_id FROM cohort_owners o JOIN sessions s ON s.subject_id = o.facilitator_id
        WHERE s.token_hash = crossroads_token_hash() AND NOT s.revoked
          AND s.role = 'facilitator' $$""",
    """CREATE FUNCTION crossroads_cohorts() RETURNS SETOF uuid LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT p.cohort_id FROM profiles p WHERE p.learner_id = crossroads_caller()
            AND NOT p.revoked
        UNION ALL SELECT crossroads_owned_cohorts() $$""",
    """CREATE FUNCTION crossroads_code_learner() RETURNS uuid LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT learner_id FROM invitations WHERE code_hash = crossroads_code_hash()
            AND NOT revoked AND expires > now() $$""",
    """CREATE FUNCTION crossroads_fresh_learner(learner uuid) RETURNS boolean LANGUAGE sql
        STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT NOT EXISTS (SELECT 1 FROM profiles WHERE learner_id = learner)
           AND NOT EXISTS (SELECT 1 FROM playthroughs WHERE learner_id = learner)
           AND NOT EXISTS (SELECT 1 FROM invitations WHERE learner_id = learner) $$""",
    # the author key of a learner, for the learner themself or their cohort's facilitator only
    f"""CREATE FUNCTION crossroads_author_key(learner uuid) RETURNS text LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT {_AUTHOR_KEY_SQL.format(learner="learner")}
        WHERE learner = crossroads_caller() OR EXISTS (SELECT 1 FROM profiles p
            WHERE p.learner_id = learner AND p.cohort_id IN (SELECT crossroads_owned_cohorts()))
        $$""",
    # an invitation, once bound, stays bound; and only to a learner with no records yet
    """CREATE FUNCTION crossroads_guard_binding() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            IF NEW.learner_id IS NOT NULL AND NEW.learner_id IS DISTINCT FROM OLD.learner_id
               AND (OLD.learner_id IS NOT NULL OR EXISTS (
                    SELECT 1 FROM profiles WHERE learner_id = NEW.learner_id)
                    OR EXISTS (SELECT 1 FROM playthroughs WHERE learner_id = NEW.learner_id))
            THEN
                RAISE EXCEPTION 'an invitation binds only a new learner';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER invitations_binding BEFORE UPDATE OF learner_id ON invitations
        FOR EACH ROW EXECUTE FUNCTION crossroads_guard_binding()""",
]

_ME = "(SELECT crossroads_caller())"
_MY_KEY = f"(SELECT crossroads_author_key({_ME}))"
_MY_COHORTS = "(SELECT crossroads_cohorts())"
_OWNED = "(SELECT crossroads_owned_cohorts())"
_MY_PLAYS = f"(SELECT id FROM playthroughs WHERE learner_id = {_ME})"
_ERASABLE_PLAYS = f"(SELECT id FROM playthroughs WHERE learner_id = {_ME} OR cohort_id IN {_OWNED})"


def _policies(table: str, read: str, add: str | None = None, change: str | None = None,
              erase: str | None = None) -> list[str]:
    out = [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
           f"CREATE POLICY crossroads_read ON {table} FOR SELECT USING ({read})"]
    if add is not None:
        out.append(f"CREATE POLICY crossroads_add ON {table} FOR INSERT WITH CHECK ({add})")
    if change is not None:
        out.append(f"CREATE POLICY crossroads_change ON {table} FOR UPDATE USING ({change}) "
                   f"WITH CHECK ({change})")
    if erase is not None:
        out.append(f"CREATE POLICY crossroads_erase ON {table} FOR DELETE USING ({erase})")
    return out


PG_POLICIES = [
    *_policies("playthroughs", read=f"learner_id = {_ME} OR cohort_id IN {_MY_COHORTS}",
               add=f"learner_id = {_ME} AND (cohort_id IS NULL OR cohort_id IN {_MY_COHORTS})",
               change=f"learner_id = {_ME}",
               erase=f"learner_id = {_ME} OR cohort_id IN {_OWNED}"),
    *_policies("steps", read="playthrough_id IN (SELECT id FROM playthroughs)",
               add=f"playthrough_id IN {_MY_PLAYS}", erase=f"playthrough_id IN {_ERASABLE_PLAYS}"),
    *_policies("checkins", read="playthrough_id IN (SELECT id FROM playthroughs)",
               add=f"playthrough_id IN {_MY_PLAYS}", erase=f"playthrough_id IN {_ERASABLE_PLAYS}"),
    *_policies(
        "reflections",
        read=f"learner_id = {_ME} OR author_key = {_MY_KEY} OR visibility = 'bank' "
             f"OR (visibility = 'cohort' AND cohort_id IN {_MY_COHORTS})",
        add=f"(cohort_id IS NULL OR cohort_id IN {_MY_COHORTS}) AND ("
            f"(learner_id = {_ME} AND playthrough_id IN {_MY_PLAYS}) OR (learner_id IS NULL "
            f"AND playthrough_id IS NULL AND author_key = {_MY_KEY}))",
        change=f"learner_id = {_ME} OR author_key = {_MY_KEY}",
        erase=f"learner_id = {_ME} OR author_key = {_MY_KEY} OR cohort_id IN {_OWNED}"),
    *_policies("sessions",
               read=f"token_hash = crossroads_token_hash() OR subject_id = {_ME} OR subject_id "
                    f"IN (SELECT learner_id FROM profiles WHERE cohort_id IN {_OWNED})",
               add="role = 'learner' AND subject_id = (SELECT crossroads_code_learner())",
               change=f"token_hash = crossroads_token_hash() OR subject_id = {_ME} OR subject_id "
                      f"IN (SELECT learner_id FROM profiles WHERE cohort_id IN {_OWNED})",
               erase=f"token_hash = crossroads_token_hash() OR subject_id = {_ME} OR subject_id "
                     f"IN (SELECT learner_id FROM profiles WHERE cohort_id IN {_OWNED})"),
    *_policies("invitations",
               read=f"code_hash = crossroads_code_hash() OR learner_id = {_ME} "
                    f"OR cohort_id IN {_OWNED}",
               add=f"cohort_id IN {_OWNED}",
               change=f"code_hash = crossroads_code_hash() OR learner_id = {_ME} "
                      f"OR cohort_id IN {_OWNED}"),
    *_policies("profiles", read="true", add="learner_id = (SELECT crossroads_code_learner())",
               change=f"learner_id = {_ME} OR learner_id = (SELECT crossroads_code_learner()) "
                      f"OR cohort_id IN {_OWNED}"),
    *_policies("memberships", read="true",
               add=f"learner_id = {_ME} OR learner_id = (SELECT crossroads_code_learner())",
               erase=f"learner_id = {_ME} OR cohort_id IN {_OWNED}"),
    *_policies("learners", read="true", add="true",
               erase=f"id = {_ME} OR crossroads_fresh_learner(id) OR id IN "
                     f"(SELECT learner_id FROM profiles WHERE cohort_id IN {_OWNED})"),
    *_policies("cohort_owners", read="true", add=f"facilitator_id = {_ME}",
               change=f"facilitator_id = {_ME}"),
    *_policies("cohort_stories", read="true", add=f"cohort_id IN {_OWNED}"),
    *_policies("cohort_story_versions", read="true", add=f"cohort_id IN {_OWNED}"),
]
"""Row-level security: the visibility rules again, inside PostgreSQL. The tables' owner is not
subject to them (local use and ``crossroads facilitator add`` run as the owner); the server's
own role (``crossroads server-role create``) is."""

PG_V5 = [
    "CREATE TABLE bank_secrets (name text PRIMARY KEY, value text NOT NULL)",
    # gen_random_uuid: PostgreSQL's strong random source (two of them: 244 random bits)
    "INSERT INTO bank_secrets (name, value) VALUES ('author_key', encode(sha256(convert_to("
    "gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'))",
    "ALTER TABLE reflections ADD COLUMN author_key text",
    "CREATE INDEX reflections_author ON reflections(author_key) WHERE author_key IS NOT NULL",
    """CREATE TABLE story_versions (
        story_hash text PRIMARY KEY,
        story_id text NOT NULL,
        title text NOT NULL,
        yaml text NOT NULL,
        created timestamptz NOT NULL)""",
    """CREATE TABLE cohort_story_versions (
        cohort_id uuid NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        story_hash text NOT NULL REFERENCES story_versions(story_hash),
        added timestamptz NOT NULL,
        PRIMARY KEY (cohort_id, story_hash))""",
    "CREATE INDEX cohort_story_versions_hash ON cohort_story_versions(story_hash)",
    # seal the anonymous reflections server learners wrote before this version
    f"""UPDATE reflections SET author_key = {_AUTHOR_KEY_SQL.format(learner="learner_id")},
        learner_id = NULL, playthrough_id = NULL, seq = NULL,
        created = date_trunc('day', created AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        WHERE anonymous AND learner_id IN (SELECT learner_id FROM profiles)""",
    *_PG_FUNCTIONS,
    *PG_POLICIES,
]

SESSION_DAYS = 90
"""A learner's session token expires after this many days without use (sliding)."""

SQLITE_V6 = [
    "ALTER TABLE sessions ADD COLUMN seen TEXT",  # NULL: not used since created
]
"""Schema version 6: when each session was last used (a learner's expires after
:data:`SESSION_DAYS` days without use)."""

PG_V6 = [
    "ALTER TABLE sessions ADD COLUMN seen timestamptz",
    # the second wall knows the expiry too: an expired learner's token is nobody's
    f"""CREATE OR REPLACE FUNCTION crossroads_caller() RETURNS uuid LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT subject_id FROM sessions
        WHERE token_hash = crossroads_token_hash() AND NOT revoked
          AND (role = 'facilitator'
               OR coalesce(seen, created) > now() - interval '{SESSION_DAYS} days') $$""",
]
"""Schema version 6 on PostgreSQL (as :data:`SQLITE_V6`, and the policies' caller expires)."""
