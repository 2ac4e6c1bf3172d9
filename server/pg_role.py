"""The cohort server's own PostgreSQL role: least privilege, subject to row-level security.

``crossroads server-role create NAME --bank ADMIN_URL`` runs as the owner of the bank's tables
(the role that created the bank). It makes (or updates) a login role that owns nothing, cannot
bypass row-level security, create roles or databases, and holds only the privileges the server
uses: no DDL, no access to ``bank_secrets`` (the key of the authors' hashes), updates only of the
columns the server changes (so it cannot rewrite a session's token hash or a playthrough's
learner). The policies of schema version 5 then decide row by row from the caller's token.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote, urlsplit, urlunsplit

from crossroads.engine.bank import open_bank
from crossroads.engine.diagnostics import BankError

GRANTS: dict[str, str] = {
    "bank_schema": "SELECT",
    "learners": "SELECT, INSERT, DELETE",
    "cohorts": "SELECT, INSERT",
    "memberships": "SELECT, INSERT, DELETE",
    "playthroughs": "SELECT, INSERT, DELETE, UPDATE (status, finished, ending)",
    "steps": "SELECT, INSERT, DELETE",
    "checkins": "SELECT, INSERT, DELETE",
    "reflections": "SELECT, INSERT, DELETE, UPDATE (text, visibility)",
    "facilitators": "SELECT",
    "cohort_owners": "SELECT, INSERT, UPDATE (revoked)",
    "cohort_stories": "SELECT, INSERT",
    "invitations": "SELECT, INSERT, UPDATE (revoked, learner_id)",
    "profiles": "SELECT, INSERT, UPDATE (display_name, revoked)",
    "sessions": "SELECT, INSERT, DELETE, UPDATE (revoked, seen)",
    "code_attempts": "SELECT, INSERT, DELETE",
    "story_versions": "SELECT, INSERT",
    "cohort_story_versions": "SELECT, INSERT",
    "cohort_programmes": "SELECT, INSERT, UPDATE (yaml, updated)",
}
"""What the server's role may do to each table (``bank_secrets``: nothing)."""


def role_url(admin_url: str, role: str, password: str) -> str:
    """The admin URL with the server role's name and password in place of the admin's."""
    parts = urlsplit(admin_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{quote(role, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def create_server_role(admin_url: str, role: str, password: str | None = None) -> str:
    """Create or update the server's role on the bank at ``admin_url``; return its URL.

    Raises:
        BankError: not a PostgreSQL URL, the bank cannot be opened, or the admin does not own
            the bank's tables.
    """
    import psycopg
    from psycopg import sql

    if not admin_url.startswith(("postgresql://", "postgres://")):
        raise BankError("a server role exists only on a PostgreSQL bank (give its postgresql:// "
                        "URL as the tables' owner)")
    if not role or not role.replace("_", "").isalnum() or not role[0].isalpha():
        raise BankError(f"a role name is letters, digits and '_' and starts with a letter, not "
                        f"{role!r}")
    password = password or secrets.token_urlsafe(24)
    with open_bank(admin_url):  # creates or migrates the bank as its owner
        pass
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn, \
                conn.transaction():
            schema, owner, me = conn.execute(
                "SELECT current_schema(), t.tableowner, current_user FROM pg_tables t "
                "WHERE t.schemaname = current_schema() AND t.tablename = 'reflections'"
            ).fetchone() or (None, None, None)
            if schema is None or owner != me:
                raise BankError(f"run this as the owner of the bank's tables ({owner}), not {me}")
            if role == me:
                raise BankError("the server's role must not be the tables' owner")
            ident = sql.Identifier(role)
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
            conn.execute(sql.SQL("{} {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
                                 "NOREPLICATION NOBYPASSRLS PASSWORD {}").format(
                verb, ident, sql.Literal(password)))
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                sql.Identifier(schema), ident))
            conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(
                sql.Identifier(schema), ident))
            for table, privileges in GRANTS.items():
                conn.execute(sql.SQL("GRANT " + privileges + " ON {} TO {}").format(
                    sql.Identifier(table), ident))
    except psycopg.Error as err:
        raise BankError(f"cannot make the server role: {str(err).strip().splitlines()[0]}") \
            from None
    return role_url(admin_url, role, password)
