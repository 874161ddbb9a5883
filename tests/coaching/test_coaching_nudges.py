"""Coaching nudges: when they are owed, and when they are held back or cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching import nudges as coaching_nudges
from bot.slack.ids.coaching import ActionId
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutboundState, SessionKind
from db.models import (
    Enrolment,
    LeavePeriod,
    OutboundMessage,
    ProgrammeSession,
)
from tests.coaching.coaching_data import (
    OTHER,
    PARTICIPANT,
    at,
    enrolment_of,
    log,
)

# Nudges


def nudges(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.kind == coaching.NUDGE_KIND)
        .order_by(OutboundMessage.id)
    )
    return [(row.recipient, row.idempotency_key) for row in rows]


def test_not_started_six_weeks_after_the_workshop_is_nudged_once(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)  # started: not nudged
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 20))) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 21))) == 1
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 21), 11)) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 3, 1))) == 0
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]
        row = session.scalars(select(OutboundMessage)).one()
        text = str(row.payload["text"])
        assert "six weeks since your programme's workshop" in text
        assert "0 of 4 sessions used, 4 left to use by *Fri 5 Jan 2018*" in text
        buttons = [
            element
            for block in row.payload["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        assert [(b["action_id"], b["value"]) for b in buttons] == [(ActionId.LOG, "1")]


def test_a_cohort_without_a_workshop_is_not_told_about_one(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        session.execute(delete(ProgrammeSession))
        # The cohort started on Mon 9 Jan 2017: six weeks on is Mon 20 Feb.
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 20))) == 2
        texts = [str(row.payload["text"]) for row in session.scalars(select(OutboundMessage))]
    assert all("six weeks since your cohort started" in text for text in texts)
    assert not any("workshop" in text for text in texts)


def test_nudges_wait_for_working_hours_in_the_persons_time_zone(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        saturday = at(date(2017, 2, 25))
        assert coaching_nudges.owe_coaching_nudges(session, saturday) == 0
        early = at(date(2017, 2, 27), 8)
        assert coaching_nudges.owe_coaching_nudges(session, early) == 0
        enrolment_of(session, PARTICIPANT).person.slack_tz = "Asia/Kolkata"
        # 08:00 in London is 13:30 in Kolkata: inside working hours there.
        assert coaching_nudges.owe_coaching_nudges(session, early) == 1
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]


def test_nobody_is_nudged_while_away_or_on_leave(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        moment = at(date(2017, 2, 21))
        enrolment_of(session, PARTICIPANT).away_until = date(2017, 2, 24)
        session.add(
            LeavePeriod(
                enrolment=enrolment_of(session, OTHER),
                starts_on=date(2017, 2, 1),
                ends_on=None,
                recorded_by="UCOORD01",
            )
        )
        session.flush()
        assert coaching_nudges.owe_coaching_nudges(session, moment) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 27))) == 1
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]


def test_then_monthly_while_behind_and_a_final_warning_two_months_before(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment_of(session, OTHER).status = EnrolmentStatus.WITHDRAWN
        session.flush()
        mondays = [date(2017, 2, 20) + timedelta(weeks=n) for n in range(50)]
        for monday in mondays:
            coaching_nudges.owe_coaching_nudges(session, at(monday))
        keys = [key for _, key in nudges(session)]
        # 4 sessions need 8 months: behind from early May (7 full months left), every 4 weeks.
        assert keys == [
            "coaching:not_started:1",
            "coaching:behind:1:2017-05",
            "coaching:behind:1:2017-06",
            "coaching:behind:1:2017-07",
            "coaching:behind:1:2017-08",
            "coaching:behind:1:2017-09",
            "coaching:behind:1:2017-10",
            "coaching:final:1:2018-01-05",
        ]
        final = session.scalars(
            select(OutboundMessage).where(OutboundMessage.idempotency_key.like("%final%"))
        ).one()
        assert "*Final reminder:* 4 coaching sessions still to use by *Fri 5 Jan 2018*" in str(
            final.payload["text"]
        )


def test_a_session_logged_stops_the_not_started_nudge_and_cancels_a_pending_one(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        moment = at(date(2017, 2, 21))
        assert coaching_nudges.owe_coaching_nudges(session, moment) == 2
        log(session, now=moment)
        states = {
            recipient: state
            for recipient, state in session.execute(
                select(OutboundMessage.recipient, OutboundMessage.state)
            )
        }
        assert states == {PARTICIPANT: OutboundState.CANCELLED, OTHER: OutboundState.PENDING}


def test_nobody_with_every_session_used_is_nudged(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        for enrolment in session.scalars(select(Enrolment)):
            enrolment.coaching_allowance = 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 11, 6))) == 0


def test_a_clock_started_long_after_the_six_week_mark_never_says_six_weeks(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)
        # First run of the clock ten weeks after the workshop's six-week mark.
        coaching_nudges.owe_coaching_nudges(session, at(date(2017, 5, 2)))
        keys = [key for _, key in nudges(session)]
        assert not any(key.startswith("coaching:not_started") for key in keys)
        assert all(
            "six weeks" not in str(row.payload["text"])
            for row in session.scalars(
                select(OutboundMessage).where(OutboundMessage.kind == coaching.NUDGE_KIND)
            )
        )


def test_someone_just_enrolled_is_not_nudged_in_their_first_fortnight(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)
        enrolment_of(session, PARTICIPANT).enrolled_at = at(date(2017, 2, 20))
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 21))) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 3, 3))) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 3, 6))) == 1
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]


def test_coaching_planned_to_commence_by_a_day_is_expected_by_then(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        cohort = session.scalars(select(ProgrammeSession)).one().cohort
        session.add(
            ProgrammeSession(
                cohort=cohort,
                kind=SessionKind.COACHING,
                title="Coaching to commence by",
                starts_at=datetime(2017, 2, 1, 9, tzinfo=UTC),
                ends_at=datetime(2017, 2, 1, 17, tzinfo=UTC),
                all_day=True,
            )
        )
        session.flush()
        # Planned for Wed 1 Feb: due then, not six weeks after the workshop (Tue 21 Feb).
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 1, 31))) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 1))) == 2
        texts = [str(row.payload["text"]) for row in session.scalars(select(OutboundMessage))]
    assert all("planned coaching to have started by now" in text for text in texts)
