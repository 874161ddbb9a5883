"""A backlog bigger than a batch is worked off over several passes, each item once, between other ticks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.core.clock import fixed_clock
from bot.evaluations.forms import reminder_after_days, window_days
from bot.evaluations.requests import REMINDER_KIND, REQUEST_KIND, reminder_key, request_key
from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import EvaluationRequestState, OutboundState
from db.models import EvaluationForm, EvaluationRequest, OutboundMessage
from scheduling.clock_process import build_scheduler, follow_up_id, run_once
from scheduling.evaluations import close_evaluations, open_at_milestones, remind_evaluations
from scheduling.tick import PassReport, TickDependencies
from scheduling.ticks import TICKS, plan_reminders
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
# A Tuesday, in working hours: the session's two-days-before reminders are due, and the baseline.
FIRST_PASS = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)
PEOPLE = [f"UBACK{n:03d}" for n in range(7)]
BATCH = 3


@pytest.fixture
def national_enrolment(runtime: Runtime, standin: SlackStandin) -> list[int]:
    """Seven people enrolled just now, so the baseline form (loaded at start) is due to each, and
    invited to a session whose reminders are due."""
    with unit_of_work(runtime.session_factory) as session:
        _, invitations = programme_with_session(
            session, starts_at=SESSION_START, people=dict.fromkeys(PEOPLE)
        )
        for invitation in invitations:
            invitation.enrolment.enrolled_at = FIRST_PASS - timedelta(hours=1)
        ids = [invitation.enrolment_id for invitation in invitations]
    for user in PEOPLE:
        standin.add_user(user, name=user)
    return ids


def batched(runtime: Runtime) -> TickDependencies:
    return replace(runtime.tick_dependencies(), batch_rows=BATCH)


def every_pass(
    run: Callable[[TickDependencies, datetime], PassReport], deps: TickDependencies, at: datetime
) -> list[PassReport]:
    """Passes of one tick, as the clock would run them, until one leaves nothing more due."""
    reports = [run(deps, at)]
    while reports[-1].more_due:
        assert len(reports) < 10, "the backlog is not shrinking"
        reports.append(run(deps, at))
    return reports


def owed_keys(runtime: Runtime, kind: str) -> list[str]:
    with unit_of_work(runtime.session_factory) as session:
        return sorted(
            session.scalars(
                select(OutboundMessage.idempotency_key).where(OutboundMessage.kind == kind)
            )
        )


def request_ids(runtime: Runtime) -> dict[int, int]:
    """Each request's id, by the enrolment it asks."""
    with unit_of_work(runtime.session_factory) as session:
        rows = session.execute(select(EvaluationRequest.enrolment_id, EvaluationRequest.id)).all()
    by_enrolment = {enrolment_id: request_id for enrolment_id, request_id in rows}
    assert len(by_enrolment) == len(rows), "someone was asked twice"
    return by_enrolment


def test_baseline_forms_owed_to_more_people_than_a_batch_open_over_several_passes_once_each(
    runtime: Runtime, national_enrolment: list[int]
) -> None:
    deps = batched(runtime)

    reports = every_pass(open_at_milestones, deps, FIRST_PASS)

    assert [report.summary.split(",")[0] for report in reports] == [
        "opened 3 milestone evaluation request(s)",
        "opened 3 milestone evaluation request(s)",
        "opened 1 milestone evaluation request(s)",
    ]
    assert [report.more_due for report in reports] == [True, True, False]
    opened = request_ids(runtime)
    assert sorted(opened) == sorted(national_enrolment)
    assert owed_keys(runtime, REQUEST_KIND) == sorted(request_key(i) for i in opened.values())
    assert open_at_milestones(deps, FIRST_PASS).summary == (
        "opened 0 milestone evaluation request(s)"
    )


def test_session_reminders_owed_to_more_people_than_a_batch_are_owed_over_several_passes(
    runtime: Runtime, national_enrolment: list[int]
) -> None:
    deps = batched(runtime)

    reports = every_pass(plan_reminders, deps, FIRST_PASS)

    assert [report.summary.split(",")[0] for report in reports] == [
        "owed 3 reminder(s)",
        "owed 3 reminder(s)",
        "owed 1 reminder(s)",
    ]
    keys = owed_keys(runtime, "session_reminder")
    assert len(keys) == len(set(keys)) == len(PEOPLE)
    assert plan_reminders(deps, FIRST_PASS).summary == "owed 0 reminder(s)"


def test_evaluation_reminders_and_closing_are_batched_too(
    runtime: Runtime, national_enrolment: list[int]
) -> None:
    deps = batched(runtime)
    every_pass(open_at_milestones, deps, FIRST_PASS)
    with unit_of_work(runtime.session_factory) as session:
        form = session.scalars(select(EvaluationForm).where(EvaluationForm.key == "baseline")).one()
        remind_at = FIRST_PASS + timedelta(days=reminder_after_days(form))
        closes_at = FIRST_PASS + timedelta(days=window_days(form))

    reminders = every_pass(remind_evaluations, deps, remind_at)
    closings = every_pass(close_evaluations, deps, closes_at)

    assert [report.summary for report in reminders][-1] == "owed 1 evaluation reminder(s)"
    assert len(reminders) == 3
    opened = request_ids(runtime)
    assert owed_keys(runtime, REMINDER_KIND) == sorted(reminder_key(i) for i in opened.values())
    assert [report.summary.split(",")[0] for report in closings] == [
        "expired 3",
        "expired 3",
        "expired 1",
    ]
    with unit_of_work(runtime.session_factory) as session:
        states = session.scalars(select(EvaluationRequest.state)).all()
    assert states == [EvaluationRequestState.EXPIRED] * len(PEOPLE)


def test_once_works_off_the_whole_backlog_pass_after_pass_and_sends_it(
    runtime: Runtime, national_enrolment: list[int]
) -> None:
    results = run_once(batched(runtime), FIRST_PASS)

    passes = [r.summary for r in results if r.tick_id == "open-milestone-evaluations"]
    assert len(passes) == 3 and passes[-1] == "opened 1 milestone evaluation request(s)"
    assert len([r for r in results if r.tick_id == "plan-reminders"]) == 3
    assert sorted(request_ids(runtime)) == sorted(national_enrolment)
    with unit_of_work(runtime.session_factory) as session:
        states = session.execute(select(OutboundMessage.kind, OutboundMessage.state)).all()
    assert sorted(states) == sorted(
        [(REQUEST_KIND, OutboundState.SENT), ("session_reminder", OutboundState.SENT)] * len(PEOPLE)
    )


def test_the_clock_queues_a_follow_up_pass_instead_of_working_the_backlog_in_one_go(
    runtime: Runtime, national_enrolment: list[int]
) -> None:
    deps = replace(batched(runtime), delivery_budget_seconds=0)
    scheduler = build_scheduler(deps, fixed_clock(FIRST_PASS), LONDON)
    ticks = {tick.id: tick for tick in TICKS}
    milestones = ticks["open-milestone-evaluations"]
    others = {job.id: job.next_run_time for job in scheduler.get_jobs()}

    opened_after_each_pass = []
    job = scheduler.get_job(milestones.id)
    interval_run = job
    while job is not None:
        # As the scheduler does with a one-off job: it leaves the store when it is sent to run.
        if job.id == follow_up_id(milestones):
            scheduler.remove_job(job.id)
        job.func(*job.args)
        opened_after_each_pass.append(len(request_ids(runtime)))
        if len(opened_after_each_pass) == 1:
            # The tick's own interval coming round meanwhile leaves the backlog to the follow-up.
            interval_run.func(*interval_run.args)
            assert len(request_ids(runtime)) == opened_after_each_pass[0]
        job = scheduler.get_job(follow_up_id(milestones))

    # One batch a run: each pass returns to the scheduler, whose other jobs are still as they were,
    # so whatever falls due meanwhile runs before the follow-up.
    assert opened_after_each_pass == [3, 6, 7]
    assert {job.id: job.next_run_time for job in scheduler.get_jobs()} == others
    # Delivery that leaves messages carries on at once too, rather than idling until its interval.
    delivery = scheduler.get_job("deliver-outbox")
    delivery.func(*delivery.args)
    assert scheduler.get_job(follow_up_id(ticks["deliver-outbox"])) is not None
