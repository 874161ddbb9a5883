"""Alembic environment for cohortbot.

The URL comes from ``db.migrate.alembic_config`` when run from code, otherwise from
the ``DATABASE_URL`` environment variable (for the ``alembic`` command line).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from db.engine import create_engine_for, normalise_url
from db.migrate import CONNECTION_ATTRIBUTE, URL_ATTRIBUTE, migration_context_options

config = context.config

# Arbitrary, fixed key for PostgreSQL's advisory lock ("cohortbt" in ASCII).
_MIGRATION_LOCK_ID = 0x636F686F72746274

if config.config_file_name is not None:
    # Keep the application's loggers working when run from the command line.
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.attributes.get(URL_ATTRIBUTE) or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("set DATABASE_URL to the database to migrate")
    return str(url)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    url = normalise_url(_database_url())
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **migration_context_options(url.get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **migration_context_options(connection.dialect.name))
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several processes (web, scheduler) may migrate at start-up; the lock
            # makes the later ones wait and then find nothing left to do. SQLite's
            # BEGIN IMMEDIATE (see db.engine) already serialises them.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            # Foreign keys were off while batch mode copied tables; check that the
            # data still satisfies them before committing.
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration left {len(problems)} foreign key violations")


def run_migrations_online() -> None:
    """Run migrations against a live database."""
    given = config.attributes.get(CONNECTION_ATTRIBUTE)
    if given is not None:
        # The caller's connection and transaction (e.g. an in-memory database); the
        # caller commits, and SQLite foreign keys stay as the caller set them.
        _run(given)
        return
    engine = create_engine_for(_database_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch mode drops and recreates tables; with foreign keys on, that
                # would fire ON DELETE CASCADE on the rows of other tables. The pragma
                # only works outside a transaction, hence the raw DBAPI connection.
                driver = connection.connection.driver_connection
                assert driver is not None
                driver.execute("PRAGMA foreign_keys = OFF")
            _run(connection)
    finally:
        # NullPool: the connection, and its pragma, die here.
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
