"""Sessions, units of work and engines on both backends."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.engine import (
    create_engine_for,
    is_sqlite_memory,
    make_session_factory,
    normalise_url,
    ping,
    reading,
    unit_of_work,
)
from db.models import (
    AuditEvent,
    Enrolment,
    Person,
    ProcessedEvent,
    Programme,
)
from tests.db.model_data import (
    LONDON,
    NOW,
    add_and_commit,
    make_cohort,
    make_person,
    make_programme,
)

# --- sessions and units of work -----------------------------------------------------------


def test_unit_of_work_commits_at_the_end(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        session.add(Programme(name="Committed"))

    with db() as session:
        assert session.scalars(sa.select(Programme.name)).all() == ["Committed"]


def test_unit_of_work_rolls_back_when_the_block_raises(db: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), unit_of_work(db) as session:
        session.add(Programme(name="Rolled back"))
        session.flush()
        raise RuntimeError("boom")

    with db() as session:
        assert session.scalars(sa.select(Programme.name)).all() == []


def test_a_reading_block_leaves_writers_free_and_refuses_to_write(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        session.add(Programme(name="Before"))
    written = threading.Event()

    def write() -> None:
        with unit_of_work(db) as session:
            session.add(Programme(name="Meanwhile"))
        written.set()

    with reading(db) as session:
        assert session.scalars(sa.select(Programme.name)).all() == ["Before"]
        writer = threading.Thread(target=write)
        writer.start()
        # Inside the block: on SQLite a unit of work would hold the write lock until its end.
        assert written.wait(timeout=5)
        session.add(Programme(name="Refused"))
        with pytest.raises(sa.exc.DBAPIError):
            session.flush()
    writer.join()

    with unit_of_work(db) as session:
        session.add(Programme(name="After"))
    with db() as session:
        names = session.scalars(sa.select(Programme.name).order_by(Programme.id)).all()
    assert names == ["Before", "Meanwhile", "After"]


def test_objects_stay_usable_after_commit(db: sessionmaker[Session]) -> None:
    programme = make_programme(db)
    assert programme.length_months == 12
    assert programme.coaching_allowance == 4
    assert programme.timezone == "Europe/London"


def test_concurrent_read_then_write_transactions_do_not_fail(db: sessionmaker[Session]) -> None:
    # Without BEGIN IMMEDIATE on SQLite, a read-then-write transaction fails at once
    # with "database is locked" when another connection wrote in between.
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                with unit_of_work(db) as session:
                    session.scalar(sa.select(sa.func.count()).select_from(ProcessedEvent))
                    session.add(ProcessedEvent(event_id=f"E{n}-{i}", received_at=NOW))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ProcessedEvent)) == 60


# --- engines ------------------------------------------------------------------------------


def test_ping_is_true_on_a_live_database(engine: sa.Engine) -> None:
    assert ping(engine) is True


def test_ping_is_false_quickly_when_postgresql_is_unreachable() -> None:
    unreachable = create_engine_for("postgresql://postgres@127.0.0.1:1/none")
    started = time.monotonic()
    try:
        assert ping(unreachable) is False
    finally:
        unreachable.dispose()
    assert time.monotonic() - started < 5


def test_ping_is_false_when_sqlite_cannot_open_the_file() -> None:
    broken = create_engine_for("sqlite:////nonexistent/directory/cohortbot.db")
    try:
        assert ping(broken) is False
    finally:
        broken.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@host:5432/db", "postgresql+psycopg://u:***@host:5432/db"),
        ("postgresql://u@host/db", "postgresql+psycopg://u@host/db"),
        ("postgresql+psycopg://u@host/db", "postgresql+psycopg://u@host/db"),
        ("sqlite:///cohortbot.db", "sqlite:///cohortbot.db"),
    ],
)
def test_urls_are_normalised_to_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=True) == expected


def test_sqlite_connections_have_foreign_keys_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/pragmas.db")
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("foreign_keys") == 1
            assert pragma("journal_mode") == "wal"
            assert int(str(pragma("busy_timeout"))) > 0
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_shared_by_threads() -> None:
    assert is_sqlite_memory(normalise_url("sqlite://"))
    engine = create_engine_for("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (42)")
        seen: list[object] = []

        def read() -> None:
            with make_session_factory(engine)() as session:
                seen.append(session.scalar(sa.text("SELECT x FROM t")))

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert seen == [42]
    finally:
        engine.dispose()


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_with_empty_tables_and_fresh_ids(
    db: sessionmaker[Session], run: str
) -> None:
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0
    assert make_programme(db, run).id == 1


def test_deleting_a_person_with_history_is_refused(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    person = make_person(db)
    add_and_commit(db, Enrolment(person_id=person.id, cohort_id=cohort.id))

    with pytest.raises(IntegrityError), unit_of_work(db) as session:
        loaded = session.get_one(Person, person.id)
        assert len(loaded.enrolments) == 1  # loaded, yet the ORM must not null them out
        session.delete(loaded)


@pytest.mark.postgres_only
def test_timestamps_are_timestamptz_on_postgresql(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        data_type = connection.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'audit_event' AND column_name = 'at'"
        ).scalar()
    assert data_type == "timestamp with time zone"


def test_timestamps_are_stored_as_utc(db: sessionmaker[Session]) -> None:
    add_and_commit(
        db,
        AuditEvent(
            at=datetime(2024, 7, 1, 10, 0, tzinfo=LONDON),
            actor="system",
            action="a",
            entity_type="t",
            entity_id="1",
        ),
    )
    with db() as session:
        raw = session.execute(sa.text("SELECT at FROM audit_event")).scalar_one()
        backend = session.get_bind().dialect.name

    if backend == "sqlite":
        # Fixed-width UTC text, so comparing strings compares instants.
        assert raw == "2024-07-01 09:00:00.000000"
    else:
        assert raw == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
