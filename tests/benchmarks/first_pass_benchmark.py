"""The clock's first pass after a national enrolment: how long each tick runs, and how late the others get.

    python -m tests.benchmarks.first_pass_benchmark --participants 10000 --cohorts 100

Builds a fresh, migrated database (as the reminders benchmark does) with everyone newly enrolled, a
baseline form attached to the enrolment milestone, and the moment chosen two days before the first
workshops, so baseline requests and session reminders fall due at once. It then runs the clock's
ticks as the long-running clock would, one at a time, in a simulated scheduler: each tick fires on
its interval, waits behind whatever is running, and really runs against the database and the Slack
stand-in. Only the dispatcher's pacing sleeps are simulated (they advance the simulated clock
without taking real time), so the run takes the real work's time, not the window's.

It prints, per tick, runs, wall and CPU time per run, and the longest any run waited past the time
it was due; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time as clock
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import TextIO

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.settings import SEND_RATE_DEFAULT, Settings
from bot.evaluations.requests import REQUEST_KIND
from bot.slack import rendering
from bot.slack.client import make_web_client
from bot.standin import SlackStandin
from db.engine import create_engine_for, make_session_factory, safe_url, unit_of_work
from db.enums import OutboundState, QuestionType
from db.models import Enrolment, EvaluationRequest, OutboundMessage
from scheduling.clock_process import MISFIRE_GRACE_SECONDS, wants_follow_up
from scheduling.pacing import Pacer
from scheduling.tick import BATCH_ROWS, DELIVERY_BUDGET_SECONDS, Tick, TickDependencies
from scheduling.ticks import TICKS
from tests.benchmarks import dataset
from tests.benchmarks.reminders_benchmark import fresh_database
from tests.support.evaluations import Q, make_form

COORDINATOR = dataset.COORDINATOR
# People are enrolled an hour before the clock's first pass.
ENROLLED_BEFORE = timedelta(hours=1)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.first_pass_benchmark",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--cohorts", type=int, default=5)
    parser.add_argument(
        "--database-url",
        help="a new SQLite file, or a PostgreSQL server to make a throwaway database on "
        "(default: a SQLite file in a temporary directory)",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=20.0,
        help="how long a stretch of the clock to simulate (default %(default)s)",
    )
    parser.add_argument(
        "--send-rate",
        type=int,
        default=SEND_RATE_DEFAULT,
        help="the dispatcher's pace, messages a minute (default %(default)s)",
    )
    parser.add_argument(
        "--batch-rows",
        type=int,
        default=BATCH_ROWS,
        help="rows a pass of a backlog-prone tick may open or owe (default %(default)s)",
    )
    parser.add_argument(
        "--profile",
        metavar="TICK_ID",
        help="profile the first run of this tick and print where its time went",
    )
    arguments = parser.parse_args(argv)
    if arguments.participants < arguments.cohorts or arguments.cohorts < 1:
        parser.error("need at least one cohort and one participant per cohort")
    return arguments


class SimulatedClock:
    """Real elapsed time plus the sleeps it was asked for, which it skips."""

    def __init__(self) -> None:
        self.slept = 0.0

    def monotonic(self) -> float:
        """Seconds, as time.monotonic, plus every sleep so far."""
        return clock.perf_counter() + self.slept

    def sleep(self, seconds: float) -> None:
        """Count the sleep without taking it."""
        self.slept += max(seconds, 0.0)


@dataclass
class TickFigures:
    """What the simulated runs of one tick took."""

    runs: int = 0
    follow_ups: int = 0
    skipped: int = 0
    missed: int = 0
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    worst_wait: float = 0.0
    first_summary: str = ""
    last_summary: str = ""


@dataclass(frozen=True)
class Queued:
    tick: Tick
    due: float
    follow_up: bool


def simulate(
    deps: TickDependencies,
    ticks: Sequence[Tick],
    start: datetime,
    seconds: float,
    simulated: SimulatedClock,
    profile: str | None,
    out: TextIO,
) -> dict[str, TickFigures]:
    """Run `ticks` as APScheduler would, one worker, for `seconds` of the clock from `start`.

    Each tick fires at `start` and then every `every_seconds`; a fire while the tick is still
    queued or running is skipped (max_instances=1), a run later than the misfire grace is missed,
    and a pass that leaves work behind queues a follow-up pass at once, behind what is already due,
    while the tick's own runs do nothing (as `build_scheduler` does, by `wants_follow_up`).
    """
    figures = {tick.id: TickFigures() for tick in ticks}
    next_fire = {tick.id: 0.0 for tick in ticks}
    busy: set[str] = set()
    carrying_on: set[str] = set()
    queue: deque[Queued] = deque()

    def fire_until(t: float) -> None:
        while True:
            tick = min(ticks, key=lambda candidate: next_fire[candidate.id])
            due = next_fire[tick.id]
            if due > t or due > seconds:
                return
            next_fire[tick.id] = due + tick.every_seconds
            if tick.id in busy:
                figures[tick.id].skipped += 1
                continue
            busy.add(tick.id)
            queue.append(Queued(tick, due, follow_up=False))

    t = 0.0
    profiled = False
    while True:
        fire_until(t)
        if not queue:
            upcoming = min(next_fire.values())
            if upcoming > seconds:
                return figures
            t = upcoming
            continue
        if t > seconds:
            return figures
        item = queue.popleft()
        tick_figures = figures[item.tick.id]
        waited = t - item.due
        if waited > MISFIRE_GRACE_SECONDS:
            tick_figures.missed += 1
            busy.discard(item.tick.id)
            continue
        if item.follow_up:
            carrying_on.discard(item.tick.id)
        elif item.tick.id in carrying_on:
            # As `build_scheduler` does: the queued follow-up pass will do this run's work.
            tick_figures.skipped += 1
            busy.discard(item.tick.id)
            continue
        tick_figures.worst_wait = max(tick_figures.worst_wait, waited)
        profiler = None
        if profile == item.tick.id and not profiled:
            profiled = True
            profiler = cProfile.Profile()
            profiler.enable()
        began, cpu_began = simulated.monotonic(), clock.thread_time()
        report = item.tick.run(deps, start + timedelta(seconds=t))
        wall, cpu = simulated.monotonic() - began, clock.thread_time() - cpu_began
        if profiler is not None:
            profiler.disable()
            print_profile(out, item.tick.id, profiler)
        tick_figures.runs += 1
        tick_figures.follow_ups += item.follow_up
        tick_figures.wall.append(wall)
        tick_figures.cpu.append(cpu)
        tick_figures.first_summary = tick_figures.first_summary or report.summary
        tick_figures.last_summary = report.summary
        t += wall
        fire_until(t)
        if not item.follow_up:
            busy.discard(item.tick.id)
        if wants_follow_up(item.tick, report) and not any(
            queued.follow_up and queued.tick.id == item.tick.id for queued in queue
        ):
            carrying_on.add(item.tick.id)
            queue.append(Queued(item.tick, t, follow_up=True))


def print_profile(out: TextIO, tick_id: str, profiler: cProfile.Profile) -> None:
    """The 15 functions with the most cumulative time in the profiled run."""
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(15)
    out.write(f"Profile of the first {tick_id} run (top 15 by cumulative time):\n")
    for line in text.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered by", "         ")):
            out.write(f"  {line}\n")


@dataclass(frozen=True)
class Outcome:
    """What the data set ended up holding."""

    requests: int
    people_asked: int
    request_dms: int
    sent: int
    still_owed: int


def outcome(factory: sessionmaker[Session]) -> Outcome:
    """Counts that show nothing was lost or asked twice."""
    with unit_of_work(factory) as session:
        requests = session.scalar(select(func.count(EvaluationRequest.id))) or 0
        people = (
            session.scalar(select(func.count(func.distinct(EvaluationRequest.enrolment_id)))) or 0
        )
        dms = (
            session.scalar(
                select(func.count(OutboundMessage.id)).where(OutboundMessage.kind == REQUEST_KIND)
            )
            or 0
        )
        sent = (
            session.scalar(
                select(func.count(OutboundMessage.id)).where(
                    OutboundMessage.state == OutboundState.SENT
                )
            )
            or 0
        )
        owed = (
            session.scalar(
                select(func.count(OutboundMessage.id)).where(
                    OutboundMessage.state == OutboundState.PENDING
                )
            )
            or 0
        )
    return Outcome(requests, people, dms, sent, owed)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the benchmark and print its figures to `out`."""
    arguments = parse_arguments(argv)
    rendering.install()
    standin = SlackStandin().start()
    try:
        with fresh_database(arguments.database_url) as url:
            engine = create_engine_for(url)
            try:
                factory = make_session_factory(engine)
                built = clock.perf_counter()
                # Built as of an arbitrary moment to learn the timetable, then enrolled just before
                # the first pass: the day before the first workshops, mid-morning.
                with unit_of_work(factory) as session:
                    size = dataset.build(
                        session,
                        participants=arguments.participants,
                        cohorts=arguments.cohorts,
                        now=datetime(2016, 12, 1, tzinfo=UTC),
                    )
                first_pass = datetime.combine(
                    size.first_session.astimezone(dataset.LONDON).date() - timedelta(days=1),
                    time(10),
                    tzinfo=dataset.LONDON,
                )
                enrol_now(factory, first_pass - ENROLLED_BEFORE)
                dataset.gather_statistics(engine)
                build_seconds = clock.perf_counter() - built
                for number in range(1, arguments.participants + 1):
                    standin.add_user(dataset.slack_user_id(number), name=f"P{number}")
                standin.add_user(COORDINATOR, name="Coordinator")
                simulated = SimulatedClock()
                deps = dependencies(factory, standin, url, arguments.send_rate, simulated)
                deps = replace(deps, batch_rows=arguments.batch_rows)
                started, cpu_started = clock.perf_counter(), clock.thread_time()
                figures = simulate(
                    deps,
                    TICKS,
                    first_pass,
                    arguments.minutes * 60,
                    simulated,
                    arguments.profile,
                    out,
                )
                real, cpu = clock.perf_counter() - started, clock.thread_time() - cpu_started
                result = outcome(factory)
            finally:
                engine.dispose()
    finally:
        standin.stop()
    report(
        out, safe_url(url), size, build_seconds, first_pass, arguments, figures, real, cpu, result
    )
    return 0


def enrol_now(factory: sessionmaker[Session], enrolled_at: datetime) -> None:
    """Everyone enrolled at `enrolled_at`, and a baseline form attached to enrolment."""
    with unit_of_work(factory) as session:
        session.execute(update(Enrolment).values(enrolled_at=enrolled_at))
        make_form(
            session,
            key="baseline",
            title="Baseline",
            attached_to="enrolment",
            questions=[Q("confidence", QuestionType.AGREEMENT5)],
        )


def dependencies(
    factory: sessionmaker[Session],
    standin: SlackStandin,
    url: str,
    send_rate: int,
    simulated: SimulatedClock,
) -> TickDependencies:
    """What the long-running clock gives its ticks, with the pacing sleeps simulated."""
    settings = Settings(
        slack_bot_token=standin.bot_token,
        slack_api_url=standin.api_url,
        database_url=url,
        coordinators=(COORDINATOR,),
        send_rate_per_minute=send_rate,
    )
    return TickDependencies(
        uow=partial(unit_of_work, factory),
        client=make_web_client(standin.bot_token, standin.api_url, retry_connections=False),
        settings=settings,
        pacer=Pacer(send_rate, monotonic=simulated.monotonic, sleep=simulated.sleep),
        delivery_budget_seconds=DELIVERY_BUDGET_SECONDS,
        monotonic=simulated.monotonic,
    )


def _seconds(values: Sequence[float], pick: Callable[[Sequence[float]], float]) -> str:
    return f"{pick(values):.2f}" if values else "-"


def report(
    out: TextIO,
    url: str,
    size: dataset.DatasetSize,
    build_seconds: float,
    first_pass: datetime,
    arguments: argparse.Namespace,
    figures: dict[str, TickFigures],
    real: float,
    cpu: float,
    result: Outcome,
) -> None:
    """Print the summary rows, then a table of ticks."""
    worst_id = max(figures, key=lambda tick_id: figures[tick_id].worst_wait)
    longest_id = max(figures, key=lambda tick_id: max(figures[tick_id].wall, default=0.0))
    plan = figures.get("plan-reminders")
    rows: list[tuple[str, str]] = [
        ("database", url.split("://", 1)[0]),
        ("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"),
        ("participants", f"{size.participants}"),
        ("cohorts", f"{size.cohorts}"),
        ("data set built in", f"{build_seconds:.1f} s"),
        ("first pass at", f"{first_pass:%Y-%m-%d %H:%M %Z}"),
        (
            "simulated clock",
            f"{arguments.minutes:g} min, paced at {arguments.send_rate}/min, "
            f"batches of {arguments.batch_rows} rows",
        ),
        ("real time taken", f"{real:.1f} s (CPU {cpu:.1f} s, this thread)"),
        (
            "longest run",
            f"{longest_id}: {max(figures[longest_id].wall, default=0.0):.1f} s",
        ),
        ("worst wait past due", f"{worst_id}: {figures[worst_id].worst_wait:.1f} s"),
        ("missed runs (> grace)", f"{sum(f.missed for f in figures.values())}"),
        ("first reminder plan", plan.first_summary if plan else "-"),
        ("baseline requests", f"{result.requests} for {result.people_asked} people"),
        ("request DMs owed", f"{result.request_dms}"),
        ("messages sent", f"{result.sent}"),
        ("messages still owed", f"{result.still_owed}"),
    ]
    width = max(len(name) for name, _ in rows)
    out.write("First-pass benchmark\n")
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    out.write(
        "Per tick (seconds; runs incl. follow-up passes; wait = start minus the time it was due):\n"
    )
    header = f"  {'tick':<28} {'every':>6} {'runs':>5} {'follow':>6} {'skip':>5} {'miss':>5}"
    header += f" {'wall max':>9} {'wall sum':>9} {'CPU max':>8} {'CPU sum':>8} {'wait max':>9}"
    out.write(header + "\n")
    for tick in TICKS:
        f = figures[tick.id]
        out.write(
            f"  {tick.id:<28} {tick.every_seconds:>6} {f.runs:>5} {f.follow_ups:>6}"
            f" {f.skipped:>5} {f.missed:>5} {_seconds(f.wall, max):>9} {_seconds(f.wall, sum):>9}"
            f" {_seconds(f.cpu, max):>8} {_seconds(f.cpu, sum):>8} {f.worst_wait:>9.1f}\n"
        )
    out.write("First summary of each tick that did something:\n")
    for tick in TICKS:
        f = figures[tick.id]
        if f.first_summary and not f.first_summary.startswith(("owed 0", "opened 0", "sent 0")):
            out.write(f"  {tick.id}: {f.first_summary}\n")


if __name__ == "__main__":
    sys.exit(main())
