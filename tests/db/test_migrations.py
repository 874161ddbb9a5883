"""The Alembic migrations are the schema: they run on both backends and match the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from db.engine import create_engine_for
from db.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    migration_context_options,
    upgrade,
)
from db.models import Base

REPO_ROOT = Path(__file__).resolve().parents[2]
POSTGRES_MAX_IDENTIFIER = 63


def _inspect(url: str) -> tuple[sa.Engine, sa.Inspector]:
    engine = create_engine_for(url, poolclass=NullPool)
    return engine, sa.inspect(engine)


def _table_names(url: str) -> set[str]:
    engine, inspector = _inspect(url)
    try:
        return set(inspector.get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_has_no_revision(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None


def test_upgrade_to_head_creates_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()
    assert _table_names(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrading_twice_is_harmless(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()


def test_models_match_the_migrations(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_engine_for(empty_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            options = migration_context_options(connection.dialect.name)
            options.pop("target_metadata")
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()

    assert differences == [], "models and migrations differ: write a migration"


def test_check_constraints_and_partial_indexes_match_the_models(empty_database_url: str) -> None:
    # Autogenerate compares neither CHECK constraints nor index predicates.
    upgrade(empty_database_url)
    engine, inspector = _inspect(empty_database_url)
    try:
        for table in Base.metadata.sorted_tables:
            expected_checks = {
                str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)
            }
            found_checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found_checks == expected_checks, table.name

            partial = {
                str(index.name)
                for index in table.indexes
                if index.dialect_options["postgresql"]["where"] is not None
            }
            found = {
                str(index["name"]): index
                for index in inspector.get_indexes(table.name)
                if index["name"] in partial
            }
            assert set(found) == partial, table.name
            for name, index in found.items():
                assert index["unique"], name
                where = index.get("dialect_options", {}).get(f"{engine.dialect.name}_where")
                assert where is not None, f"{name} lost its WHERE clause"
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    downgrade(empty_database_url, "base")
    assert current_revision(empty_database_url) is None
    assert _table_names(empty_database_url) <= {"alembic_version"}

    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()
    assert _table_names(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}


def test_processes_migrating_at_the_same_time_do_not_collide(empty_database_url: str) -> None:
    # Separate processes, as in production: Alembic's context is process-global, so
    # db.migrate.upgrade must not be run from several threads at once.
    script = "import sys; from db.migrate import upgrade; upgrade(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, empty_database_url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [process.communicate(timeout=60) for process in processes]

    assert [p.returncode for p in processes] == [0, 0, 0], [err for _, err in results]
    assert current_revision(empty_database_url) == head_revision()


def test_in_memory_sqlite_is_migrated_on_the_callers_connection() -> None:
    engine = create_engine_for("sqlite://")
    try:
        with engine.begin() as connection:
            upgrade("sqlite://", connection=connection)
        assert set(sa.inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_in_memory_sqlite_by_url_alone_is_refused() -> None:
    with pytest.raises(ValueError, match="connection="):
        upgrade("sqlite://")


def test_migrations_form_one_line_of_history() -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))

    assert script.get_heads() == [head_revision()]
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def test_alembic_ini_finds_the_packaged_migrations() -> None:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    script = ScriptDirectory.from_config(config)

    assert Path(script.dir).resolve() == MIGRATIONS_DIR
    assert script.get_current_head() == head_revision()


def test_every_constraint_and_index_name_fits_postgresql() -> None:
    items: list[sa.Constraint | sa.Index] = []
    for table in Base.metadata.sorted_tables:
        items.extend(table.constraints)
        items.extend(table.indexes)
    assert all(item.name for item in items), "every constraint and index must be named"
    names = [str(item.name) for item in items]
    too_long = [name for name in names if len(name) > POSTGRES_MAX_IDENTIFIER]
    assert too_long == []


def test_only_tests_create_tables_directly() -> None:
    # The migrations are the only source of the schema.
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for package in ("bot", "db", "handlers", "scheduling")
        for path in (REPO_ROOT / package).rglob("*.py")
        if "create_all(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_migration_0011_names_people_in_the_trail_by_pseudonym_and_back(
    empty_database_url: str,
) -> None:
    upgrade(empty_database_url, "0010")
    engine = create_engine_for(empty_database_url, poolclass=NullPool)
    events = sa.table(
        "audit_event",
        *(sa.column(name) for name in ("at", "actor", "action", "entity_type", "entity_id")),
    )
    rows = [
        ("UCOORD01", "cohort.created", "Cohort", "1"),
        ("UPART001", "invitation.rsvp", "Invitation", "2"),
        ("slack", "recipient.unreachable", "UnreachableRecipient", "UPART001"),
        ("system", "retention.applied", "retention", "-"),
    ]
    try:
        with engine.begin() as connection:
            for actor, action, entity_type, entity_id in rows:
                connection.execute(
                    events.insert().values(
                        at="2017-02-01 09:00:00.000000",
                        actor=actor,
                        action=action,
                        entity_type=entity_type,
                        entity_id=entity_id,
                    )
                )
        upgrade(empty_database_url, "0011")
        with engine.connect() as connection:
            known: dict[str, int] = dict(
                connection.execute(sa.text("SELECT slack_user_id, id FROM audit_pseudonym")).all()
            )
            now = connection.execute(
                sa.select(events.c.actor, events.c.entity_id).order_by(sa.text("id"))
            ).all()
        assert set(known) == {"UCOORD01", "UPART001"}
        part = f"someone:{known['UPART001']}"
        assert [tuple(row) for row in now] == [
            (f"someone:{known['UCOORD01']}", "1"),
            (part, "2"),
            ("slack", part),
            ("system", "-"),
        ]

        downgrade(empty_database_url, "0010")
        with engine.connect() as connection:
            back = connection.execute(
                sa.select(events.c.actor, events.c.entity_id).order_by(sa.text("id"))
            ).all()
        assert [tuple(row) for row in back] == [(a, i) for a, _, _, i in rows]
    finally:
        engine.dispose()
