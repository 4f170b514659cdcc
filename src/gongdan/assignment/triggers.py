# ruff: noqa: S608 - every statement is built from this module's constant table and column names
"""The database triggers behind smart assignment's fast decisions.

- ``tickets_ticket`` → ``assignment_agentload``: each agent's open load (open tickets weighted by
  priority), changed in the same transaction as the ticket row, whichever code writes it
  (services, bulk updates of the SLA sweep, deletions).
- the tables the engine caches per process → ``assignment_dataversion``: one row set to a fresh
  random number by every write, read by each decision to know whether its cache still holds.

Installed by migration ``assignment.0003`` and checked again after every ``migrate``
(``ensure``): on SQLite a later migration that rebuilds one of these tables drops its triggers.
"""

from __future__ import annotations

from typing import Any


# The engine's load weights (engine.LOAD_WEIGHTS), as SQL over a ticket row's priority.
def _weight(row: str) -> str:
    return (
        f"(CASE {row}.priority WHEN 'urgent' THEN 4.0 WHEN 'high' THEN 2.0 "
        f"WHEN 'normal' THEN 1.0 WHEN 'low' THEN 0.5 ELSE 1.0 END)"
    )


LOAD = "assignment_agentload"
VERSION = "assignment_dataversion"
# Tables whose rows the engine caches per process (the user table only for these columns).
VERSIONED = [
    "accounts_agentskill",
    "accounts_skill",
    "accounts_membership",
    "assignment_agentperformance",
    "assignment_assignmentrule",
    "assignment_ruleskill",
    "assignment_skillrequirement",
    "assignment_teamassignment",
]
USER_COLUMNS = ["username", "display_name", "role", "is_active"]
# Agent profiles: every column but availability (read by each decision, never cached) and the
# moment it changed, so that agents switching online / away / offline keep the caches warm.
PROFILE = "accounts_agentprofile"
PROFILE_COLUMNS = [
    "user_id",
    "capacity",
    "location_name",
    "latitude",
    "longitude",
    "on_leave_until",
    "seniority",
    "current_latitude",
    "current_longitude",
    "located_at",
]


def _sqlite() -> list[str]:
    def upsert(row: str, sign: str) -> str:
        return (
            f"INSERT INTO {LOAD} (user_id, open_load) SELECT {row}.assignee_id, "
            f"{sign}{_weight(row)} WHERE {row}.assignee_id IS NOT NULL AND {row}.is_open "
            f"ON CONFLICT(user_id) DO UPDATE SET open_load = open_load + excluded.open_load;"
        )

    bump = (
        f"INSERT INTO {VERSION} (id, value) VALUES (1, random()) "
        f"ON CONFLICT(id) DO UPDATE SET value = random();"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("assignee_id", "priority", "is_open"))
    sql = [
        f"CREATE TRIGGER asg_load_ins AFTER INSERT ON tickets_ticket BEGIN {upsert('NEW', '')} END",
        "CREATE TRIGGER asg_load_del AFTER DELETE ON tickets_ticket "
        f"BEGIN {upsert('OLD', '-')} END",
        f"CREATE TRIGGER asg_load_upd AFTER UPDATE ON tickets_ticket WHEN {changed} "
        f"BEGIN {upsert('OLD', '-')} {upsert('NEW', '')} END",
    ]
    for table in VERSIONED:
        for op in ("INSERT", "UPDATE", "DELETE"):
            sql.append(
                f"CREATE TRIGGER asg_v_{table}_{op.lower()} AFTER {op} ON {table} BEGIN {bump} END"
            )
    user_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in USER_COLUMNS)
    sql.append(
        f"CREATE TRIGGER asg_v_user_upd AFTER UPDATE ON accounts_user WHEN {user_changed} "
        f"BEGIN {bump} END"
    )
    profile_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PROFILE_COLUMNS)
    sql += [
        f"CREATE TRIGGER asg_v_profile_insert AFTER INSERT ON {PROFILE} BEGIN {bump} END",
        f"CREATE TRIGGER asg_v_profile_delete AFTER DELETE ON {PROFILE} BEGIN {bump} END",
        f"CREATE TRIGGER asg_v_profile_update AFTER UPDATE ON {PROFILE} WHEN {profile_changed} "
        f"BEGIN {bump} END",
    ]
    return sql


def _postgresql() -> list[str]:
    def upsert(row: str, sign: str) -> str:
        return (
            f"IF {row}.assignee_id IS NOT NULL AND {row}.is_open THEN "
            f"INSERT INTO {LOAD} (user_id, open_load) VALUES ({row}.assignee_id, "
            f"{sign}{_weight(row)}) ON CONFLICT (user_id) DO UPDATE "
            f"SET open_load = {LOAD}.open_load + EXCLUDED.open_load; END IF;"
        )

    changed = " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("assignee_id", "priority", "is_open")
    )
    sql = [
        f"""CREATE OR REPLACE FUNCTION asg_ticket_load() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN {upsert("OLD", "-")} END IF;
          IF TG_OP <> 'DELETE' THEN {upsert("NEW", "")} END IF;
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER asg_load_ins AFTER INSERT ON tickets_ticket "
        "FOR EACH ROW EXECUTE FUNCTION asg_ticket_load()",
        "CREATE TRIGGER asg_load_del AFTER DELETE ON tickets_ticket "
        "FOR EACH ROW EXECUTE FUNCTION asg_ticket_load()",
        f"CREATE TRIGGER asg_load_upd AFTER UPDATE ON tickets_ticket FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION asg_ticket_load()",
        f"""CREATE OR REPLACE FUNCTION asg_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO {VERSION} (id, value) VALUES (1, floor(random() * 9e15)::bigint)
          ON CONFLICT (id) DO UPDATE SET value = floor(random() * 9e15)::bigint;
          RETURN NULL;
        END $$""",
    ]
    for table in VERSIONED:
        sql.append(
            f"CREATE TRIGGER asg_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION asg_bump_version()"
        )
    user_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in USER_COLUMNS)
    sql.append(
        f"CREATE TRIGGER asg_version AFTER UPDATE ON accounts_user FOR EACH ROW "
        f"WHEN ({user_changed}) EXECUTE FUNCTION asg_bump_version()"
    )
    # Statement level, fired only when an UPDATE sets one of these columns (Django's save()
    # without update_fields sets them all; the availability switch sets its own three).
    sql.append(
        f"CREATE TRIGGER asg_version AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "
        f"{', '.join(PROFILE_COLUMNS)} ON {PROFILE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION asg_bump_version()"
    )
    return sql


def _backfill() -> str:
    return (
        f"INSERT INTO {LOAD} (user_id, open_load) SELECT t.assignee_id, SUM({_weight('t')}) "
        f"FROM tickets_ticket t WHERE t.assignee_id IS NOT NULL AND t.is_open "
        f"GROUP BY t.assignee_id"
    )


def _statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return _sqlite()
    if vendor == "postgresql":
        return _postgresql()
    raise RuntimeError(f"smart assignment's triggers are not written for {vendor}")


def install(connection: Any) -> None:
    """Create the triggers and fill the load table from the open tickets (idempotent)."""
    uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOAD}")
        cursor.execute(_backfill())
        cursor.execute(f"DELETE FROM {VERSION}")
        cursor.execute(f"INSERT INTO {VERSION} (id, value) VALUES (1, 1)")
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("asg_load_ins", "asg_load_del", "asg_load_upd"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON tickets_ticket")
            for table in [*VERSIONED, "accounts_user", PROFILE]:
                cursor.execute(f"DROP TRIGGER IF EXISTS asg_version ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS asg_ticket_load()")
            cursor.execute("DROP FUNCTION IF EXISTS asg_bump_version()")
        else:
            for name in _sqlite_names():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _sqlite_names() -> list[str]:
    names = ["asg_load_ins", "asg_load_del", "asg_load_upd", "asg_v_user_upd"]
    names += ["asg_v_profile_insert", "asg_v_profile_delete", "asg_v_profile_update"]
    return names + [f"asg_v_{t}_{op}" for t in VERSIONED for op in ("insert", "update", "delete")]


def present(connection: Any) -> bool:
    """Whether every trigger exists."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname IN ('asg_load_ins', 'asg_load_del', 'asg_load_upd', 'asg_version')"
            )
            return bool(cursor.fetchone()[0] == 3 + len(VERSIONED) + 2)
        names = _sqlite_names()
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ("
            + ", ".join(["%s"] * len(names))
            + ")",
            names,
        )
        return bool(cursor.fetchone()[0] == len(names))


def ensure(using: str = "default", **_kwargs: Any) -> None:
    """``post_migrate``: reinstall the triggers (and recount the loads) when one went missing."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    tables = set(connection.introspection.table_names())
    if LOAD not in tables or VERSION not in tables:
        return  # migrating backwards, or not yet this far
    if not present(connection):
        install(connection)
