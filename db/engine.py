"""Engine and session handling for SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from db.base import CLOCK_KEY

__all__ = [
    "PG_CONNECT_TIMEOUT_SECONDS",
    "SQLITE_BUSY_TIMEOUT_MS",
    "create_engine_for",
    "is_sqlite_memory",
    "make_session_factory",
    "normalise_url",
    "ping",
    "reading",
    "safe_url",
    "unit_of_work",
]

log = logging.getLogger(__name__)

# How long a SQLite writer waits for another to finish before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000

# libpq's connect_timeout (2 s is its minimum): an unreachable PostgreSQL makes
# connection attempts, and so /healthz, fail quickly instead of hanging.
PG_CONNECT_TIMEOUT_SECONDS = 2

# Statement timeout for ping(), in milliseconds.
_PING_STATEMENT_TIMEOUT_MS = 2_000


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, mapping ``postgres://`` and driverless PostgreSQL URLs to psycopg 3.

    Hosting platforms hand out ``postgres://`` URLs, which SQLAlchemy does not
    accept, and ``postgresql://`` would pick psycopg2, which we do not install.
    """
    if isinstance(url, str):
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        url = make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def safe_url(url: str | URL) -> str:
    """Render a URL for logs and messages with any password masked."""
    return normalise_url(url).render_as_string(hide_password=True)


def is_sqlite_memory(url: URL) -> bool:
    """Return True if the URL is an in-memory SQLite database."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    # "", ":memory:" and URI forms such as "file::memory:?cache=shared".
    return database == "" or ":memory:" in database or url.query.get("mode") == "memory"


def create_engine_for(url: str, **kw: Any) -> Engine:
    """Create an engine configured for cohortbot on SQLite or PostgreSQL.

    Extra keyword arguments go to ``sqlalchemy.create_engine``; ``connect_args``
    are merged over our defaults.
    """
    sa_url = normalise_url(url)
    # Bound parameters are personal data; keep them out of logs and error messages.
    kw.setdefault("hide_parameters", True)
    connect_args: dict[str, Any] = dict(kw.pop("connect_args", None) or {})
    backend = sa_url.get_backend_name()

    if backend == "sqlite":
        # Connections are pooled and handed to whichever thread checks them out; a
        # connection is only ever used by one thread at a time.
        connect_args.setdefault("check_same_thread", False)
        memory = is_sqlite_memory(sa_url)
        if memory:
            # Each new connection to ":memory:" would be a new, empty database.
            kw.setdefault("poolclass", StaticPool)
        engine = sa.create_engine(sa_url, connect_args=connect_args, **kw)
        _configure_sqlite(engine, wal=not memory)
        return engine

    if backend == "postgresql":
        if sa_url.drivername == "postgresql+psycopg":
            connect_args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_SECONDS)
            connect_args.setdefault("application_name", "cohortbot")
        kw.setdefault("pool_pre_ping", True)
        return sa.create_engine(sa_url, connect_args=connect_args, **kw)

    return sa.create_engine(sa_url, connect_args=connect_args, **kw)


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    """Install the per-connection pragmas and our own transaction control."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module (it would not BEGIN
        # before SELECTs); SQLAlchemy's "begin" hook below emits BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # These must run outside a transaction, hence here.
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if wal:
                # Readers no longer block the writer or each other.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            # Under WAL a reader needs no lock that a writer waits for (`reading`).
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        # IMMEDIATE takes the write lock up front, so the busy timeout applies to it.
        # A deferred transaction that reads and then writes can instead fail at once
        # with SQLITE_BUSY when another connection wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(
    engine: Engine, clock: Callable[[], datetime] | None = None
) -> sessionmaker[Session]:
    """Return the session factory used everywhere (objects stay usable after commit).

    With a `clock`, default timestamps (`created_at`, `updated_at`...) come from it.
    """
    info = {CLOCK_KEY: clock} if clock is not None else {}
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


@event.listens_for(Session, "after_begin")
def _lend_clock_to_connection(session: Session, _transaction: Any, connection: Connection) -> None:
    # Column defaults see only the connection, so the session's clock travels on it; it is set
    # (or cleared) at every begin, because pooled connections outlive the sessions that use them.
    connection.info[CLOCK_KEY] = session.info.get(CLOCK_KEY)


@contextmanager
def unit_of_work(factory: Callable[[], Session]) -> Iterator[Session]:
    """Yield a session; commit once at the end, roll back if the block raises."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_READ_ONLY = "cohortbot_read_only"


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session for work that only reads; it never holds SQLite's write lock.

    Every other unit of work takes SQLite's one write lock as it begins, so a long read (the
    Home tab's, rendering as it goes) made every writer meanwhile wait, the web process's
    acknowledgements among them. The database refuses a write made in the block.
    """
    engine = factory.kw["bind"]
    with factory(bind=engine.execution_options(**{_READ_ONLY: True})) as session:
        connection = session.connection()
        sqlite = connection.dialect.name == "sqlite"
        connection.exec_driver_sql(
            "PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY"
        )
        try:
            yield session
        finally:
            if sqlite:
                # A pragma outlives the transaction; the pooled connection must write again.
                connection.exec_driver_sql("PRAGMA query_only = OFF")
            session.rollback()


def ping(engine: Engine) -> bool:
    """Return True if the database answers ``SELECT 1`` promptly, False on any DB error."""
    # Deliberately broad: a health check must answer, whatever went wrong. Only the
    # exception type is logged, as driver messages can include connection details.
    try:
        # A raw DBAPI connection bypasses the SQLite "begin" hook, so a ping never
        # queues behind a writer for the busy timeout.
        raw = engine.raw_connection()
    except Exception as exc:
        log.warning("database ping failed to connect: %s", type(exc).__name__)
        return False
    try:
        cursor = raw.cursor()
        try:
            if engine.dialect.name == "postgresql":
                cursor.execute(f"SET LOCAL statement_timeout = {_PING_STATEMENT_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        finally:
            cursor.close()
        raw.rollback()
        return row is not None and row[0] == 1
    except Exception as exc:
        log.warning("database ping failed: %s", type(exc).__name__)
        # Do not return a connection in an unknown state to the pool.
        raw.invalidate()
        return False
    finally:
        raw.close()
