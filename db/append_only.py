"""The database refuses UPDATE and DELETE on the audit trail: the triggers, per backend.

Kept as data here so the migration that installs them and the test suite's clean-up (which
must empty the audit table between tests) use the same statements.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

AUDIT_TABLE = "audit_event"
REFUSAL = "audit_event is append-only: its rows cannot be changed or deleted"

SQLITE_CREATE = (
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {AUDIT_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {AUDIT_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
)
POSTGRES_CREATE = (
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
)
POSTGRES_DROP = (
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {AUDIT_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {AUDIT_TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
)


def install(connection: Connection) -> None:
    """Create the triggers on `connection`'s database."""
    postgres = connection.dialect.name == "postgresql"
    for statement in POSTGRES_CREATE if postgres else SQLITE_CREATE:
        connection.exec_driver_sql(statement)


def remove(connection: Connection) -> None:
    """Drop the triggers (a downgrade, or a test emptying its database)."""
    postgres = connection.dialect.name == "postgresql"
    for statement in POSTGRES_DROP if postgres else SQLITE_DROP:
        connection.exec_driver_sql(statement)
