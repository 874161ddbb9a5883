"""The steering-group digest at national scale: time, SQL statements and peak memory, printed.

    python -m tests.benchmarks.digest_benchmark --participants 10000 --cohorts 100

Builds a fresh, migrated database (as the reminders benchmark does) with a programme year for
everyone, all cohorts in one programme, and the rest of what a digest reads: attendance, coaching,
applications, evaluations, assessments, outcomes and last week's snapshot. It then computes the
digest's figures once, and builds the Excel export (`bot.reporting.export.workbook`) when that exists. It
prints figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time as clock
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TextIO, TypeVar

from sqlalchemy import case, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core.tables import Table
from bot.reporting.digest.delivery import build_digest
from bot.reporting.digest.gather import digest_figures
from bot.reporting.export.workbook import build_workbook, export_tables, write_workbook
from bot.slack import rendering
from bot.slack.blocks import to_message
from db.engine import create_engine_for, make_session_factory, safe_url, unit_of_work
from db.enums import (
    ApplicationStatus,
    AttendanceStatus,
    EvaluationRequestState,
    Level,
    OrganisationType,
    OutcomeKind,
    QuestionPurpose,
    QuestionType,
    Readiness,
    RsvpStatus,
    SessionKind,
)
from db.models import (
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    DigestSnapshot,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.benchmarks import dataset
from tests.benchmarks.planning import StatementCounter, counting
from tests.benchmarks.reminders_benchmark import fresh_database
from tests.benchmarks.workbook_writers import (
    REFERENCE_WRITER,
    WRITERS,
    formatting_problems,
    probe_problems,
)

_T = TypeVar("_T")
BUILT_AT = datetime(2016, 12, 1, 9, 0, tzinfo=UTC)
# A Monday in the middle of the programme year: workshops and some sets held, more to come.
NOW = datetime(2017, 6, 5, 9, 0, tzinfo=UTC)
PROGRAMME_ID = 1
RECORDED_BY = "UBENCHCO1"
ETHNICITIES = ("Asian", "Black", "Mixed", "White", "Other")
GENDERS = ("Woman", "Man", "Non-binary")
REGIONS = ("London", "Midlands", "North East", "North West", "South East", "South West")
ORGANISATION_TYPES = tuple(OrganisationType)
LEVELS = tuple(Level)
READINESS = tuple(Readiness)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.digest_benchmark", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument(
        "--database-url",
        help="a new SQLite file, or a PostgreSQL server to make a throwaway database on "
        "(default: a SQLite file in a temporary directory)",
    )
    arguments = parser.parse_args(argv)
    if arguments.participants < arguments.cohorts or arguments.cohorts < 1:
        parser.error("need at least one cohort and one participant per cohort")
    return arguments


def enrich(session: Session, participants: int) -> None:
    """Everything the digest reads beyond the reminders data set, for one programme of all cohorts."""
    session.execute(update(Cohort).values(programme_id=PROGRAMME_ID))
    held = select(ProgrammeSession.id).where(ProgrammeSession.ends_at <= NOW)
    session.execute(
        update(Invitation)
        .where(Invitation.session_id.in_(held))
        .values(
            rsvp=case((Invitation.id % 4 == 0, RsvpStatus.NONE), else_=RsvpStatus.ATTENDING),
            attendance=case(
                (Invitation.id % 5 == 0, AttendanceStatus.ABSENT),
                (Invitation.id % 17 == 0, AttendanceStatus.EXCUSED),
                else_=AttendanceStatus.PRESENT,
            ),
        )
    )
    people = range(1, participants + 1)
    applicants = range(participants + 1, participants + participants // 2 + 1)
    _insert(session, Person, [{"id": n, "name": f"Applicant {n}"} for n in applicants])
    _insert(session, Application, [_application(n) for n in [*people, *applicants]])
    # Participant n applied with application n.
    session.execute(update(Enrolment).values(application_id=Enrolment.id))
    _insert(
        session,
        CoachingSession,
        [
            {
                "enrolment_id": n,
                "held_on": date(2017, 2, 1) + timedelta(weeks=4 * k),
                "coach_name": "Benchmark coach",
                "logged_by": RECORDED_BY,
            }
            for n in people
            for k in range(n % 5)
        ],
    )
    _insert(session, AssessmentResult, [row for n in people for row in _assessments(n)])
    _insert(session, Outcome, [_outcome(n) for n in people if n % 4 == 0])
    _evaluations(session, people)
    session.add(DigestSnapshot(programme_id=PROGRAMME_ID, week_of=date(2017, 5, 29), figures={}))
    session.flush()


def _insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), dataset.INSERT_CHUNK):
        session.execute(insert(model), list(rows[start : start + dataset.INSERT_CHUNK]))


def _application(n: int) -> dict[str, Any]:
    consent = n % 3 != 0
    return {
        "id": n,
        "programme_id": PROGRAMME_ID,
        "person_id": n,
        "status": ApplicationStatus.ACCEPTED,
        "job_title": "Deputy director",
        "organisation": f"Trust {n % 150}",
        "organisation_type": ORGANISATION_TYPES[n % len(ORGANISATION_TYPES)],
        "region": REGIONS[n % len(REGIONS)],
        "diversity_consent": consent,
        "gender": GENDERS[n % len(GENDERS)] if consent else None,
        "ethnicity": ETHNICITIES[(n // 7) % len(ETHNICITIES)] if consent else None,
        "submitted_at": BUILT_AT - timedelta(days=60, minutes=n),
    }


def _assessments(n: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if n % 7 == 0:
        rows.append(
            {"enrolment_id": n, "did_not_attend_reason": "Leave", "recorded_by": RECORDED_BY}
        )
    if n % 2 == 0:
        rows.append(
            {
                "enrolment_id": n,
                "assessed_on": date(2017, 5, 20),
                "readiness": READINESS[n % 3],
                "performance": LEVELS[(n // 3) % 3],
                "potential": LEVELS[(n // 9) % 3],
                "recorded_by": RECORDED_BY,
            }
        )
    return rows


def _outcome(n: int) -> dict[str, Any]:
    confirmed = n % 12 != 0
    return {
        "person_id": n,
        "enrolment_id": n,
        "kind": tuple(OutcomeKind)[n % len(OutcomeKind)],
        "reported_by": RECORDED_BY,
        "confirmed_by": RECORDED_BY if confirmed else None,
        "confirmed_at": NOW - timedelta(days=10) if confirmed else None,
    }


def _evaluations(session: Session, people: range) -> None:
    """A workshop evaluation asked of everyone, answered by four in five."""
    form = EvaluationForm(
        key="workshop",
        version=1,
        title="Workshop evaluation",
        anonymous=False,
        attached_to=SessionKind.WORKSHOP.value,
        definition={},
        questions=[
            EvaluationQuestion(
                key="overall",
                position=1,
                type=QuestionType.RATING5,
                text="Overall?",
                purpose=QuestionPurpose.OVERALL.value,
            ),
        ],
    )
    session.add(form)
    session.flush()
    workshops = {
        cohort_id: session_id
        for cohort_id, session_id in session.execute(
            select(ProgrammeSession.cohort_id, ProgrammeSession.id).where(
                ProgrammeSession.kind == SessionKind.WORKSHOP
            )
        )
    }
    cohort_of = {
        enrolment_id: cohort_id
        for enrolment_id, cohort_id in session.execute(select(Enrolment.id, Enrolment.cohort_id))
    }
    answered = [n for n in people if n % 5 != 0]
    _insert(
        session,
        EvaluationRequest,
        [
            {
                "form_id": form.id,
                "enrolment_id": n,
                "session_id": workshops[cohort_of[n]],
                "cohort_id": cohort_of[n],
                "opened_at": NOW - timedelta(days=120),
                "closes_at": NOW - timedelta(days=106),
                "state": EvaluationRequestState.COMPLETED
                if n % 5
                else EvaluationRequestState.EXPIRED,
            }
            for n in people
        ],
    )
    _insert(
        session,
        EvaluationResponse,
        [
            {
                "id": f"bench{n:010d}",
                "form_id": form.id,
                "session_id": workshops[cohort_of[n]],
                "cohort_id": cohort_of[n],
                "enrolment_id": n,
                "submitted_on": date(2017, 2, 1),
                "submitted_at": NOW - timedelta(days=110),
            }
            for n in answered
        ],
    )
    _insert(
        session,
        EvaluationAnswer,
        [
            {
                "response_id": f"bench{n:010d}",
                "question_id": form.questions[0].id,
                "value_number": 1 + n % 5,
            }
            for n in answered
        ],
    )


@dataclass(frozen=True)
class Measurement:
    """One piece of work, timed on its first call (imports, statement caches) and again warm."""

    seconds: float
    warm_seconds: float
    # CPU time of the warm run: steadier than wall time on a machine shared with other work.
    warm_cpu_seconds: float
    statements: int
    peak_bytes: int
    detail: str


def measure(
    factory: sessionmaker[Session], engine: Engine, work: Callable[[Session], str]
) -> Measurement:
    """Time `work` (each run in its own unit of work) counting statements; then measure memory."""
    counter = StatementCounter()
    with counting(engine, counter), unit_of_work(factory) as session:
        started = clock.perf_counter()
        detail = work(session)
        seconds = clock.perf_counter() - started
    with unit_of_work(factory) as session:
        started, cpu_started = clock.perf_counter(), clock.process_time()
        work(session)
        warm_seconds = clock.perf_counter() - started
        warm_cpu_seconds = clock.process_time() - cpu_started
    # tracemalloc slows everything down, so memory is measured on a second, untimed run.
    tracemalloc.start()
    try:
        with unit_of_work(factory) as session:
            work(session)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Measurement(seconds, warm_seconds, warm_cpu_seconds, counter.count, peak, detail)


def _figures(session: Session) -> str:
    figures = digest_figures(session, programme_id=PROGRAMME_ID, now=NOW)
    return (
        f"{figures.headline.participants} participants, {len(figures.cohorts)} cohorts, "
        f"{figures.headline.sessions_held} sessions held, {len(figures.actions)} actions"
    )


def _digest(session: Session) -> str:
    """The whole weekly digest as the clock process owes it: figures, message, charts, workbook."""
    programme = session.get_one(Programme, PROGRAMME_ID)
    digest = build_digest(session, programme, NOW)
    files = ", ".join(
        f"{attachment.filename} {len(attachment.content) / 1024:.0f} KiB"
        for attachment in digest.attachments
    )
    return f"{len(to_message(digest.message).blocks)} blocks; {files}"


def _export(session: Session) -> str:
    content = build_workbook(session, NOW)
    return f"{len(content) / 1024:.0f} KiB"


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the benchmark and print its figures to `out`."""
    arguments = parse_arguments(argv)
    # As every process does at start: what areas owe is rendered with Block Kit.
    rendering.install()
    with fresh_database(arguments.database_url) as url:
        engine = create_engine_for(url)
        try:
            factory = make_session_factory(engine)
            started = clock.perf_counter()
            with unit_of_work(factory) as session:
                size = dataset.build(
                    session,
                    participants=arguments.participants,
                    cohorts=arguments.cohorts,
                    now=BUILT_AT,
                )
                enrich(session, arguments.participants)
            build_seconds = clock.perf_counter() - started
            figures = measure(factory, engine, _figures)
            digest = measure(factory, engine, _digest)
            export = measure(factory, engine, _export)
            split = export_split(factory)
            with unit_of_work(factory) as session:
                # The export's tables once, held in memory, so that only the writers are timed.
                tables = [
                    Table(table.name, table.headers, list(table.rows))
                    for table in export_tables(session, NOW)
                ]
            writers = compare_writers(tables)
        finally:
            engine.dispose()
    rows: list[tuple[str, str]] = [
        ("database", safe_url(url).split("://", 1)[0]),
        ("participants", f"{size.participants}"),
        ("cohorts", f"{size.cohorts} in 1 programme"),
        ("sessions", f"{size.sessions}"),
        ("invitations", f"{size.invitations}"),
        ("data set built in", f"{build_seconds:.1f} s"),
        *_rows("figures", figures),
        *_rows("digest", digest),
        *_rows("export", export),
        *split,
        *writers,
    ]
    width = max(len(name) for name, _ in rows)
    out.write("Digest benchmark\n")
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    return 0


def export_split(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    """The warm export in its two parts, reading the tables and writing the workbook, each timed
    with Python's cyclic garbage collector running and paused (gc.disable)."""
    rows = []
    for paused in (False, True):
        how = "GC paused" if paused else "GC running"
        with unit_of_work(factory) as session, _collector(paused=paused):
            (tables, read_seconds, read_cpu) = _timed(partial(export_tables, session, NOW))
        with _collector(paused=paused):
            (_, write_seconds, write_cpu) = _timed(partial(write_workbook, tables))
        rows += [
            (
                f"export reading, warm, {how}",
                f"{1000 * read_seconds:.0f} ms (CPU {1000 * read_cpu:.0f} ms)",
            ),
            (
                f"export writing, warm, {how}",
                f"{1000 * write_seconds:.0f} ms (CPU {1000 * write_cpu:.0f} ms)",
            ),
        ]
    return rows


@contextmanager
def _collector(*, paused: bool) -> Iterator[None]:
    if not paused:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _timed(work: Callable[[], _T]) -> tuple[_T, float, float]:
    started, cpu_started = clock.perf_counter(), clock.process_time()
    result = work()
    return result, clock.perf_counter() - started, clock.process_time() - cpu_started


def compare_writers(tables: Sequence[Table]) -> list[tuple[str, str]]:
    """Each candidate writer on the same tables: time, CPU, size, and whether it kept the promise
    (on these tables, and on a small probe of hostile text, dates and an empty table)."""
    measured: dict[str, tuple[float, float, bytes]] = {}
    for name, writer in WRITERS.items():
        started, cpu_started = clock.perf_counter(), clock.process_time()
        content = writer(tables)
        measured[name] = (
            clock.perf_counter() - started,
            clock.process_time() - cpu_started,
            content,
        )
    reference_cpu = measured[REFERENCE_WRITER][1]
    rows = []
    for name, (seconds, cpu, content) in measured.items():
        problems = formatting_problems(content, tables) + probe_problems(WRITERS[name])
        rows.append(
            (
                f"writer: {name}",
                f"{seconds:.1f} s, CPU {cpu:.1f} s ({cpu / reference_cpu:.2f} of openpyxl), "
                f"{len(content) / 2**20:.1f} MiB, formatting "
                + ("kept" if not problems else _lost(problems)),
            )
        )
    return rows


def _lost(problems: Sequence[str]) -> str:
    shown = "; ".join(problems[:3])
    return f"lost: {shown}" + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")


def _rows(name: str, measured: Measurement) -> list[tuple[str, str]]:
    return [
        (f"{name} time", f"{1000 * measured.seconds:.0f} ms (first call)"),
        (f"{name} time, warm", f"{1000 * measured.warm_seconds:.0f} ms"),
        (f"{name} CPU time, warm", f"{1000 * measured.warm_cpu_seconds:.0f} ms"),
        (f"{name} statements", f"{measured.statements}"),
        (f"{name} peak memory", f"{measured.peak_bytes / 2**20:.1f} MiB"),
        (f"{name} result", measured.detail),
    ]


if __name__ == "__main__":
    sys.exit(main())
