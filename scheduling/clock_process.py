"""The one long-running clock process (`cohortbot scheduler`), and its single-pass form (`--once`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Clock
from scheduling.tick import PassReport, Tick, TickDependencies
from scheduling.ticks import TICKS

logger = logging.getLogger(__name__)

# A tick that could not fire on time (the process was busy or paused) still fires if it is late by
# less than this; coalescing turns a backlog into one run.
MISFIRE_GRACE_SECONDS = 600
FOLLOW_UP_SUFFIX = ":more"


@dataclass(frozen=True)
class TickResult:
    """What one tick did."""

    tick_id: str
    summary: str


def run_once(
    deps: TickDependencies, now: datetime, ticks: Sequence[Tick] = TICKS
) -> list[TickResult]:
    """Run every tick as of `now` until it has nothing more due (for `scheduler --once --now`
    and for tests); one result per pass.

    Delivery runs until nothing is due, whatever the budget a long-running clock gives it; a tick
    that works a backlog in batches runs pass after pass, each its own unit of work.
    """
    deps = replace(deps, delivery_budget_seconds=None)
    results = []
    for tick in ticks:
        more_due = True
        while more_due:
            with deps.exclusive():
                report = tick.run(deps, now)
            results.append(TickResult(tick.id, report.summary))
            more_due = report.more_due
    return results


def wants_follow_up(tick: Tick, report: PassReport) -> bool:
    """Whether a pass left work that should not wait for the tick's next interval.

    Delivery too, every 10 s: its interval's runs that fall while a pass is sending are skipped,
    so without a follow-up the dispatcher sat idle for up to an interval between passes (240 of
    a 300 a minute rate after a national enrolment, README, Benchmarks).
    """
    return report.more_due


def follow_up_id(tick: Tick) -> str:
    """The id of the one-off job that carries on a tick's backlog."""
    return f"{tick.id}{FOLLOW_UP_SUFFIX}"


def build_scheduler(
    deps: TickDependencies, clock: Clock, timezone: ZoneInfo, ticks: Sequence[Tick] = TICKS
) -> BlockingScheduler:
    """An APScheduler that fires each tick on its interval, in memory, one run at a time."""
    scheduler = BlockingScheduler(
        timezone=timezone,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
    )

    # Ticks whose backlog a queued follow-up pass is carrying on. Only the one worker thread
    # reads and writes it.
    carrying_on: set[str] = set()

    def fire(tick: Tick, follow_up: bool = False) -> None:
        if follow_up:
            carrying_on.discard(tick.id)
        elif tick.id in carrying_on:
            # The follow-up pass will do this work; running now as well would give the tick two
            # turns in a row ahead of the other ticks.
            return
        with deps.exclusive():
            report = tick.run(deps, clock())
        logger.info("%s: %s", tick.id, report.summary)
        if wants_follow_up(tick, report):
            # The rest of a backlog goes on a pass queued now, behind the ticks already waiting,
            # rather than on the next interval (15 minutes for some): the backlog drains at
            # full speed and every other tick still gets its turn between two passes.
            carrying_on.add(tick.id)
            scheduler.add_job(
                fire,
                args=[tick, True],
                id=follow_up_id(tick),
                name=follow_up_id(tick),
                replace_existing=True,
                misfire_grace_time=MISFIRE_GRACE_SECONDS,
            )

    for tick in ticks:
        scheduler.add_job(
            fire,
            trigger=IntervalTrigger(seconds=tick.every_seconds, timezone=timezone),
            args=[tick],
            id=tick.id,
            name=tick.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            next_run_time=clock(),
        )
    return scheduler


def run_forever(deps: TickDependencies, clock: Clock, timezone: ZoneInfo) -> None:
    """Fire the ticks on their intervals until the process is stopped."""
    scheduler = build_scheduler(deps, clock, timezone)
    logger.info("clock process started with %d tick(s)", len(scheduler.get_jobs()))
    scheduler.start()


def parse_instant(text: str, timezone: ZoneInfo) -> datetime:
    """An ISO 8601 date and time; without an offset it is read in `timezone`."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--now must be a date and time such as 2017-02-01T09:00 (got {text!r})"
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=timezone)
