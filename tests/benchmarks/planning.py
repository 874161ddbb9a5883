"""Timing the reminder planner as the clock process calls it, counting SQL statements per call."""

from __future__ import annotations

import time as clock
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core.working_hours import WorkingHours
from bot.reminders.reminders import owe_due_reminders
from db.engine import unit_of_work
from db.models import OutboundMessage
from tests.benchmarks.dataset import LONDON

PLAN_EVERY = timedelta(minutes=5)
# The longest reminder lead (14 days) and a margin: planning starts this long before the first session.
LEAD = timedelta(days=21)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StatementCounter:
    """Counts statements an engine executes; with `where` on, also the code that issued each."""

    count: int = 0
    where: bool = False
    sites: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        if self.where:
            self.sites[(_statement_kind(statement), _call_site())] += 1


def _statement_kind(statement: str) -> str:
    words = " ".join(statement.split())
    if words.startswith("SELECT"):
        table = words.split(" FROM ", 1)[1].split(" ", 1)[0] if " FROM " in words else "?"
        return f"SELECT … FROM {table}"
    return " ".join(words.split(" ")[:3])


def _call_site() -> str:
    """The innermost project frame outside the benchmark that led to this statement."""
    for frame in reversed(traceback.extract_stack()):
        path = Path(frame.filename)
        if (
            path.is_relative_to(PROJECT_ROOT)
            and "tests" not in path.parts
            and ".venv" not in path.parts
        ):
            return f"{path.relative_to(PROJECT_ROOT)}:{frame.lineno} {frame.name}"
    return "?"


@contextmanager
def counting(engine: Engine, counter: StatementCounter) -> Iterator[StatementCounter]:
    """Count `engine`'s statements while the block runs."""
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


@dataclass(frozen=True)
class PlanningCall:
    """One call of the planner."""

    at: datetime
    seconds: float
    statements: int
    owed: int
    # CPU time of this process: steadier than wall time on a machine shared with other work.
    cpu_seconds: float = 0.0


SAMPLE_DAY_CALLS = int(timedelta(days=1) / PLAN_EVERY)
# The sample day's calls start an hour before the working day, when reminders begin to fall due.
SAMPLE_DAY_FROM = time(8)


def schedule(
    first_session: datetime,
    last_session: datetime,
    sample_day: date,
    *,
    stride: int = 1,
    sample_calls: int = SAMPLE_DAY_CALLS,
) -> list[datetime]:
    """09:00 London on every `stride`th working day of the year, and `sample_calls` 5-minute calls
    from 08:00 on `sample_day`."""
    hours = WorkingHours()
    instants: set[datetime] = set()
    day = (first_session - LEAD).date()
    working_days = 0
    while day <= last_session.date():
        if hours.is_working_day(day):
            if working_days % stride == 0:
                instants.add(datetime.combine(day, time(9), tzinfo=LONDON).astimezone(UTC))
            working_days += 1
        day += timedelta(days=1)
    moment = datetime.combine(sample_day, SAMPLE_DAY_FROM, tzinfo=LONDON).astimezone(UTC)
    for _ in range(sample_calls):
        instants.add(moment)
        moment += PLAN_EVERY
    return sorted(instants)


def run_planner(
    factory: sessionmaker[Session], engine: Engine, instants: Sequence[datetime]
) -> list[PlanningCall]:
    """Call the planner at each instant in turn, one unit of work each, as the clock process does."""
    calls = []
    for at in instants:
        counter = StatementCounter()
        with counting(engine, counter):
            started, cpu_started = clock.perf_counter(), clock.process_time()
            with unit_of_work(factory) as session:
                owed = owe_due_reminders(session, at)
            seconds = clock.perf_counter() - started
            cpu = clock.process_time() - cpu_started
        calls.append(PlanningCall(at, seconds, counter.count, owed, cpu))
    return calls


def bounded_passes(
    factory: sessionmaker[Session], at: datetime, batch_rows: int
) -> list[PlanningCall]:
    """The planner at `at` as the clock runs it, `batch_rows` a pass until nothing more is owed.

    As if nothing were owed yet, in one transaction rolled back afterwards (each pass flushed).
    """
    passes = []
    with factory() as session:
        session.execute(delete(OutboundMessage))
        while True:
            started, cpu_started = clock.perf_counter(), clock.process_time()
            owed = owe_due_reminders(session, at, limit=batch_rows)
            session.flush()
            seconds = clock.perf_counter() - started
            cpu = clock.process_time() - cpu_started
            if owed == 0:
                break
            passes.append(PlanningCall(at, seconds, 0, owed, cpu))
        session.rollback()
    return passes


def statement_sites(
    factory: sessionmaker[Session], engine: Engine, at: datetime
) -> Counter[tuple[str, str]]:
    """Where the planner's statements come from in one call at `at` (rolled back afterwards)."""
    counter = StatementCounter(where=True)
    with counting(engine, counter), factory() as session:
        owe_due_reminders(session, at)
        session.rollback()
    return counter.sites


def explain_busiest(factory: sessionmaker[Session], engine: Engine, at: datetime) -> list[str]:
    """The query plan of every SELECT in one planning call at `at` (rolled back afterwards).

    PostgreSQL's plans come from EXPLAIN ANALYZE (actual rows and times), SQLite's from EXPLAIN
    QUERY PLAN; each statement's first line names it.
    """
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgres else "EXPLAIN QUERY PLAN "
    lines: list[str] = []
    with factory() as session:
        # As if nothing were owed yet, so that the call does all of its work (rolled back).
        session.execute(delete(OutboundMessage))
        event.listen(engine, "before_cursor_execute", record)
        try:
            owe_due_reminders(session, at)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        connection = session.connection()
        for statement, parameters in seen:
            lines.append("-- " + _statement_kind(statement))
            for row in connection.exec_driver_sql(prefix + statement, parameters):
                # SQLite answers (id, parent, notused, detail); PostgreSQL one text column.
                lines.append("   " + str(row[-1]))
        session.rollback()
    return lines
