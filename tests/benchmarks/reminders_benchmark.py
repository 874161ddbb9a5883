"""The national-scale reminders benchmark: planning time and dispatch rate, printed as a table.

    python -m tests.benchmarks.reminders_benchmark --participants 10000 --cohorts 100

Builds a fresh, migrated database (a SQLite file, or a throwaway database on the PostgreSQL
server of `--database-url`), a programme year for everyone, then times the reminder planner as
the clock process calls it and sends a sample of what it owes through the dispatcher to the Slack
stand-in under a rate limit. It prints figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time as clock
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy.pool import NullPool

from bot.core.settings import SEND_RATE_DEFAULT
from bot.slack import rendering
from bot.slack.web import freeze_startup_objects
from db.engine import create_engine_for, make_session_factory, normalise_url, safe_url, unit_of_work
from db.migrate import upgrade
from scheduling.tick import BATCH_ROWS
from tests.benchmarks import dataset, dispatch, planning

BUILT_AT = datetime(2016, 12, 1, 9, 0, tzinfo=UTC)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.reminders_benchmark", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--cohorts", type=int, default=5)
    parser.add_argument(
        "--database-url",
        help="a new SQLite file, or a PostgreSQL server to make a throwaway database on "
        "(default: a SQLite file in a temporary directory)",
    )
    parser.add_argument(
        "--rate-per-minute",
        type=int,
        default=SEND_RATE_DEFAULT,
        help="the stand-in's chat.postMessage limit (default %(default)s)",
    )
    parser.add_argument(
        "--send-rate",
        type=int,
        default=SEND_RATE_DEFAULT,
        help="the bot's COHORTBOT_SEND_RATE_PER_MINUTE, which paces the dispatcher "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--plan-stride",
        type=int,
        default=10,
        help="plan on every Nth working day at 09:00 (1: every working day, as the clock does; default %(default)s)",
    )
    parser.add_argument(
        "--sample-day-calls",
        type=int,
        default=120,
        help="5-minute planning calls on the sample day from 08:00 "
        f"(default %(default)s, to 18:00; {planning.SAMPLE_DAY_CALLS} is the whole day)",
    )
    parser.add_argument(
        "--send-sample", type=int, default=150, help="reminders to send (default %(default)s)"
    )
    arguments = parser.parse_args(argv)
    if arguments.participants < arguments.cohorts or arguments.cohorts < 1:
        parser.error("need at least one cohort and one participant per cohort")
    if arguments.plan_stride < 1 or arguments.sample_day_calls < 0:
        parser.error("--plan-stride must be at least 1 and --sample-day-calls not negative")
    return arguments


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """A migrated, empty database: a temporary SQLite file, the given file, or a throwaway PostgreSQL one."""
    if url is None:
        with tempfile.TemporaryDirectory() as directory:
            path = f"sqlite:///{Path(directory) / 'benchmark.db'}"
            upgrade(path)
            yield path
        return
    server = normalise_url(url)
    if server.get_backend_name() != "postgresql":
        upgrade(url)
        yield url
        return
    name = f"cohortbot_benchmark_{secrets.token_hex(4)}"
    admin = create_engine_for(
        server.render_as_string(hide_password=False),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            database = server.set(database=name).render_as_string(hide_password=False)
            upgrade(database)
            yield database
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


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
            dataset.gather_statistics(engine)
            build_seconds = clock.perf_counter() - started
            # As the clock process does once it has started (`cohortbot scheduler`).
            freeze_startup_objects()
            # Two days before the first workshop: its "2 days before" reminders and others are due.
            sample_day = size.first_session.date() - timedelta(days=2)
            full_schedule = planning.schedule(size.first_session, size.last_session, sample_day)
            instants = planning.schedule(
                size.first_session,
                size.last_session,
                sample_day,
                stride=arguments.plan_stride,
                sample_calls=arguments.sample_day_calls,
            )
            calls = planning.run_planner(factory, engine, instants)
            most_statements = max(calls, key=lambda call: call.statements)
            busiest = max(calls, key=lambda call: call.owed)
            sites = planning.statement_sites(factory, engine, most_statements.at)
            plans = planning.explain_busiest(factory, engine, busiest.at)
            clock_passes = planning.bounded_passes(factory, busiest.at, BATCH_ROWS)
            send_at = datetime.combine(sample_day, time(16), tzinfo=dataset.LONDON)
            sample = dispatch.choose_sample(factory, send_at, arguments.send_sample)
            sent = dispatch.dispatch(
                factory,
                send_at,
                sample,
                limit_per_minute=arguments.rate_per_minute,
                pacer_per_minute=arguments.send_rate,
            )
        finally:
            engine.dispose()
    projected = project(calls, full_schedule, sample_day)
    report(
        out,
        safe_url(url),
        size,
        build_seconds,
        calls,
        len(full_schedule),
        projected,
        most_statements,
        busiest,
        clock_passes,
        sites,
        plans,
        sent,
    )
    return 0


def project(
    calls: Sequence[planning.PlanningCall], full_schedule: Sequence[datetime], sample_day: date
) -> float:
    """Seconds the whole schedule would take: each part's mean call times its full number of calls."""

    starts = datetime.combine(sample_day, planning.SAMPLE_DAY_FROM, tzinfo=dataset.LONDON)

    def on_sample_day(at: datetime) -> bool:
        return starts <= at < starts + timedelta(days=1)

    total = 0.0
    for part in (True, False):
        timed = [call.seconds for call in calls if on_sample_day(call.at) is part]
        owed = sum(on_sample_day(at) is part for at in full_schedule)
        if timed:
            total += sum(timed) / len(timed) * owed
    return total


def report(
    out: TextIO,
    url: str,
    size: dataset.DatasetSize,
    build_seconds: float,
    calls: Sequence[planning.PlanningCall],
    full_calls: int,
    projected: float,
    most_statements: planning.PlanningCall,
    busiest: planning.PlanningCall,
    clock_passes: Sequence[planning.PlanningCall],
    sites: dict[tuple[str, str], int],
    plans: Sequence[str],
    sent: dispatch.DispatchResult,
) -> None:
    """Print the figures as a two-column table."""
    total = sum(call.seconds for call in calls)
    statements = [call.statements for call in calls]
    rows: list[tuple[str, str]] = [
        ("database", url.split("://", 1)[0]),
        ("participants", f"{size.participants}"),
        ("cohorts", f"{size.cohorts} in {size.programmes} programme(s)"),
        ("sessions", f"{size.sessions}"),
        ("invitations", f"{size.invitations}"),
        ("data set built in", f"{build_seconds:.1f} s"),
        ("planning calls", f"{len(calls)} of the clock's {full_calls}"),
        ("planning total", f"{total:.1f} s"),
        ("planning, whole schedule", f"{projected:.1f} s (projected)"),
        ("planning per call (mean)", f"{1000 * total / len(calls):.1f} ms"),
        ("planning per call (max)", f"{1000 * max(c.seconds for c in calls):.1f} ms"),
        (
            "planning CPU per call, mean / max",
            f"{1000 * sum(c.cpu_seconds for c in calls) / len(calls):.1f} ms / "
            f"{1000 * max(c.cpu_seconds for c in calls):.1f} ms",
        ),
        ("reminders owed", f"{sum(call.owed for call in calls)}"),
        ("statements per call (min)", f"{min(statements)}"),
        ("statements per call (mean)", f"{sum(statements) / len(statements):.1f}"),
        (
            "statements per call (max)",
            f"{most_statements.statements} at {most_statements.at:%Y-%m-%d %H:%M}Z",
        ),
        (
            "statements per participant",
            f"{most_statements.statements / size.participants:.2f} (max call)",
        ),
        (
            "busiest planning call",
            f"{busiest.owed} owed in {1000 * busiest.seconds:.0f} ms "
            f"(CPU {1000 * busiest.cpu_seconds:.0f} ms), "
            f"{busiest.statements} statements, at {busiest.at:%Y-%m-%d %H:%M}Z",
        ),
        (
            f"busiest moment in passes of {BATCH_ROWS}",
            f"{len(clock_passes)} passes, the longest "
            f"{1000 * max((p.seconds for p in clock_passes), default=0):.0f} ms "
            f"(CPU {1000 * max((p.cpu_seconds for p in clock_passes), default=0):.0f} ms)",
        ),
        ("dispatch sample", f"{sent.owed}"),
        ("delivered", f"{sent.sent} in {sent.seconds:.1f} s ({sent.passes} passes)"),
        ("dispatch rate", f"{sent.per_minute:.0f}/min"),
        (
            "stand-in limit",
            f"{sent.limit_per_minute}/min (bot paced at {sent.pacer_per_minute}/min)",
        ),
        ("fraction of limit", f"{sent.fraction_of_limit:.2f}"),
        ("429s", f"{sent.rate_limited}"),
        ("conversations.open calls", f"{sent.conversations_opened}"),
        ("duplicates", f"{sent.duplicates}"),
        ("losses", f"{sent.losses}"),
        ("failed", f"{sent.failed}"),
        ("cancelled", f"{sent.cancelled}"),
        ("still queued", f"{sent.still_queued}"),
        ("stand-in contract problems", f"{sent.problems}"),
    ]
    width = max(len(name) for name, _ in rows)
    out.write("Reminders benchmark\n")
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    out.write(f"Statements in the busiest planning call, by source (top 5 of {len(sites)}):\n")
    for (kind, site), count in sorted(sites.items(), key=lambda item: -item[1])[:5]:
        out.write(f"  {count:>7}  {kind:<40}  {site}\n")
    out.write("Query plans of the busiest planning call (as if nothing were owed yet):\n")
    for line in plans:
        out.write(f"  {line}\n")


if __name__ == "__main__":
    sys.exit(main())
