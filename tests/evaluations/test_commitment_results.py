"""Coordinators see the 30- and 90-day commitment answers: `/cohort evaluations` (a cohort or a
whole programme), the digest preview and the export."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.evaluations.export import FOLLOW_UP_HEADERS, follow_up_table
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import CommitmentProgress
from db.models import CommitmentFollowUp, Programme
from tests.evaluations.results_data import NOW, Group, make_group
from tests.evaluations.test_evaluations_command import reply
from tests.fixtures.bot import COORDINATOR

ANSWERS = (
    (CommitmentProgress.YES, None),
    (CommitmentProgress.PARTLY, "Raised it at board & asked for a slot"),
    (CommitmentProgress.NOT_YET, None),
    (None, None),
    (None, None),
)
COUNTS_30 = "30 days: Yes 1, Partly 1, Not yet 1, no answer 2"


def two_cohorts_with_follow_ups(session: Session) -> tuple[Group, Group]:
    """One programme of two cohorts; five of the first were asked the 30-day follow-up."""
    first, second = make_group(session, size=6), make_group(session, size=6, name="2018", first=10)
    old = second.cohort.programme
    second.cohort.programme = first.cohort.programme
    first.cohort.programme.name = "Aspiring Directors"
    session.flush()
    session.execute(delete(Programme).where(Programme.id == old.id))
    due = first.workshop.ends_at.date() + timedelta(days=30)
    for enrolment, (answer, note) in zip(first.people, ANSWERS, strict=False):
        session.add(
            CommitmentFollowUp(
                enrolment=enrolment,
                session=first.workshop,
                due_on=due,
                asked_at=NOW,
                answer=answer,
                note=note,
                answered_at=NOW if answer else None,
            )
        )
    session.flush()
    return first, second


def test_a_cohorts_evaluations_show_the_follow_up_answers_and_notes(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        two_cohorts_with_follow_ups(session)

    text = reply(slack, standin, COORDINATOR, 'evaluations "Aspiring Directors" 2017')
    other = reply(slack, standin, COORDINATOR, 'evaluations "Aspiring Directors" 2018')

    assert "Did people act on their commitments?" in text
    assert COUNTS_30 in text
    assert "90 days: Yes 0, Partly 0, Not yet 0, no answer 0" in text
    assert "Raised it at board &amp; asked for a slot" in text
    assert "No 30- or 90-day follow-up has been asked yet." in other


def test_a_programme_wide_view_covers_every_cohort(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        two_cohorts_with_follow_ups(session)

    text = reply(slack, standin, COORDINATOR, 'evaluations "Aspiring Directors"')

    assert "Evaluations for Aspiring Directors* (all 2 cohorts)" in text
    assert "Workshop headline figures" in text
    assert COUNTS_30 in text
    assert "No cohort called" not in text


def test_the_digest_preview_counts_the_follow_up_answers(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        two_cohorts_with_follow_ups(session)

    text = reply(slack, standin, COORDINATOR, 'report "Aspiring Directors"')

    assert "Acted on their commitments after 30 days: Yes 1, Partly 1, Not yet 1" in text
    # The digest names nobody, so it leaves the notes out.
    assert "Raised it at board" not in text


def test_the_export_lists_each_follow_up_with_its_answer_and_note(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        _, second = two_cohorts_with_follow_ups(session)
        table = follow_up_table(session)
        only_second = follow_up_table(session, cohort_id=second.cohort.id)

    assert table.headers == FOLLOW_UP_HEADERS
    answers = {row[3]: (row[2], row[5], row[6]) for row in table.rows}
    assert answers == {
        "Person 00": (30, "Yes", None),
        "Person 01": (30, "Partly", "Raised it at board & asked for a slot"),
        "Person 02": (30, "Not yet", None),
        "Person 03": (30, None, None),
        "Person 04": (30, None, None),
    }
    assert only_second.rows == []
