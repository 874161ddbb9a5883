"""Run Alembic migrations from code, without an alembic.ini (works when installed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from db.base import UTCDateTime
from db.engine import create_engine_for, is_sqlite_memory, normalise_url

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "migration_context_options",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Keys in Config.attributes through which env.py gets its target: the URL untouched
# (ini-style main options would need "%" escaping), or an open connection.
URL_ATTRIBUTE = "database_url"
CONNECTION_ATTRIBUTE = "connection"


def alembic_config(url: str) -> Config:
    """Return an Alembic config for the packaged migrations, targeting ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes[URL_ATTRIBUTE] = url
    return config


def _config_for(url: str, connection: sa.Connection | None) -> Config:
    config = alembic_config(url)
    if connection is not None:
        config.attributes[CONNECTION_ATTRIBUTE] = connection
    elif is_sqlite_memory(normalise_url(url)):
        # Migrating by URL opens a new connection, i.e. a new, empty in-memory database.
        raise ValueError("pass connection= to migrate an in-memory SQLite database")
    return config


def upgrade(url: str, revision: str = "head", *, connection: sa.Connection | None = None) -> None:
    """Migrate the database at ``url`` (or on ``connection``, if given) up to ``revision``.

    With ``connection`` the caller owns the transaction: commit it afterwards.
    """
    command.upgrade(_config_for(url, connection), revision)


def downgrade(url: str, revision: str, *, connection: sa.Connection | None = None) -> None:
    """Migrate the database at ``url`` down to ``revision`` (e.g. "base")."""
    command.downgrade(_config_for(url, connection), revision)


def current_revision(url: str) -> str | None:
    """Return the revision the database at ``url`` is at, or None if unmigrated."""
    engine = create_engine_for(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """Return the newest revision in the packaged migrations."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our custom column types as plain SQLAlchemy types in migrations.

    Migrations must not import application code that may change later, and enum
    columns are just VARCHARs (so their values never appear in a migration).
    """
    if type_ == "type":
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, sa.Enum) and not obj.native_enum:
            return f"sa.String(length={obj.length})"
    return False


def migration_context_options(dialect_name: str) -> dict[str, Any]:
    """Return the options env.py (and the consistency test) configure Alembic with."""
    from db.models import Base  # imported late: registers every model on the metadata

    sqlite = dialect_name == "sqlite"
    return {
        "target_metadata": Base.metadata,
        "compare_type": True,
        "render_item": _render_item,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        "render_as_batch": sqlite,
        # Our SQLite engines emit a real BEGIN (see db.engine), so SQLite DDL is
        # transactional too and a failed migration leaves nothing half done.
        "transactional_ddl": True,
    }
