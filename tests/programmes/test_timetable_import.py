"""Importing a timetable: every row parsed, errors by row and column, the session form's
warnings confirmed once, all or nothing, idempotent, and exported as the same table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.attendance.attendance import owe_record_prompts
from bot.core.errors import InvalidInput
from bot.programmes.timetable import SessionDetails, cancel_session, move_session, plan_warnings
from bot.programmes.timetable_import import (
    TimetableNeedsConfirmation,
    apply_timetable,
    export_timetable,
    plan_timetable,
)
from bot.programmes.timetable_table import lines_of_text
from db.engine import unit_of_work
from db.enums import DatePrecision, Role, SessionKind, SessionStatus
from db.models import (
    ActionLearningGroup,
    Cohort,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Programme,
    ProgrammeSession,
    RoleGrant,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2018, 6, 1, 9, 0, tzinfo=UTC)
PROGRAMME = "Aspiring Directors"
HEADER = "cohort\tkind\ttitle\tdates\ttimes\tgroup\tlocation\tcompulsory"
TABLE = "\n".join(
    [
        HEADER,
        "2018\tWorkshop\tLaunch workshop\t12-13 September 2018\t\t\tLeeds\tyes",
        "2018\tALS\tAction learning set 1\t3 and 17 October 2018\t10:00-16:00\t1 and 2\tYork\tyes",
        "2018\tCoaching\tCoaching to commence by\t31 October 2018\t\t\t\tyes",
        "2018\tOD\tSystem leadership\tJanuary 2019\t\t\thttps://video.example/od\tno",
        "2018\tAssessment\tAssessment centre\tw/c 4 February 2019\t\t\tLondon\tyes",
    ]
)

WEEKEND = TABLE + "\n2018\tOther\tSocial\t15 September 2018\t\t\t\tno"


def setup(session: Session) -> Cohort:
    programme = Programme(name=PROGRAMME)
    cohort = Cohort(programme=programme, name="2018", capacity=15, start_date=date(2018, 9, 1))
    groups = [ActionLearningGroup(cohort=cohort, name=f"Group {n}") for n in (1, 2)]
    people = [
        Enrolment(
            person=Person(name=f"Person {n}", slack_user_id=f"UP{n}"),
            cohort=cohort,
            group=groups[n % 2],
        )
        for n in range(4)
    ]
    session.add_all([programme, cohort, *groups, *people])
    session.flush()
    return cohort


def plan(session: Session, text: str = TABLE):  # type: ignore[no-untyped-def]
    return plan_timetable(session, lines_of_text(text), programme_name=PROGRAMME)


def test_every_row_is_parsed_into_the_sessions_it_describes(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session)

    assert found.errors == []
    described = [
        (
            s.row,
            s.title,
            s.starts_at.astimezone(LONDON),
            s.all_day,
            s.dates.precision.value,
            s.group.name if s.group else None,
        )
        for s in found.sessions
    ]
    assert described == [
        (2, "Launch workshop", datetime(2018, 9, 12, 9, tzinfo=LONDON), True, "day", None),
        (
            3,
            "Action learning set 1",
            datetime(2018, 10, 3, 10, tzinfo=LONDON),
            False,
            "day",
            "Group 1",
        ),
        (
            3,
            "Action learning set 1",
            datetime(2018, 10, 17, 10, tzinfo=LONDON),
            False,
            "day",
            "Group 2",
        ),
        (4, "Coaching to commence by", datetime(2018, 10, 31, 9, tzinfo=LONDON), True, "day", None),
        (5, "System leadership", datetime(2019, 1, 1, 9, tzinfo=LONDON), True, "month", None),
        (6, "Assessment centre", datetime(2019, 2, 4, 9, tzinfo=LONDON), True, "week", None),
    ]
    assert found.sessions[0].ends_at.astimezone(LONDON) == datetime(2018, 9, 13, 17, tzinfo=LONDON)
    assert found.sessions[4].video_url == "https://video.example/od"
    assert found.sessions[4].compulsory is False


def test_errors_name_the_row_and_column(db: sessionmaker[Session]) -> None:
    text = "\n".join(
        [
            HEADER,
            "2018\tWorkshop\tLaunch\t31 February 2019\t\t\tLeeds\tyes",
            "2018\tALS\tSet 1\t30-32 January 2019\t\t\t\tyes",
            "2019\tWorkshop\tLaunch\t12 September 2018\t\t\t\tyes",
            "2018\tWebinar\tLaunch\t12 September 2018\t9-5\t3\t\tperhaps",
        ]
    )
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session, text)

    assert not found.can_import and found.sessions == []
    where = [(e.row, e.column) for e in found.errors]
    assert where == [
        (2, "dates"),
        (3, "dates"),
        (4, "cohort"),
        (5, "compulsory"),
        (5, "group"),
        (5, "kind"),
        (5, "times"),
    ]
    assert "31 February 2019 is not a real date" in found.errors[0].message
    assert "32 January 2019 is not a real date" in found.errors[1].message
    assert "'2019' is not a cohort of it (cohorts: 2018)" in found.errors[2].message


def test_a_missing_column_is_named(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(
            session, "cohort\tkind\ttitle\tlocation\tcompulsory\tcolour\n2018\tx\ty\tz\tyes\tred"
        )

    assert [(e.row, e.column, e.message) for e in found.errors] == [
        (1, "colour", "is not a column I know"),
        (1, "dates", "column is missing"),
    ]


def test_the_session_forms_warnings_are_shown_for_the_whole_import(
    db: sessionmaker[Session],
) -> None:
    text = "\n".join(
        [
            HEADER,
            "2018\tALS\tSet 0\t5 September 2018\t10:00-12:00\t\t\tyes",
            "2018\tCoaching\tCoaching to commence by\t6 September 2018\t\t\t\tyes",
            "2018\tWorkshop\tLaunch workshop\t12-13 September 2018\t\t\tLeeds\tyes",
            "2018\tOther\tClash\t13 September 2018\t14:00-15:00\t\t\tyes",
            "2018\tOther\tSaturday social\t15 September 2018\t\t\t\tno",
            "2018\tOther\tBoxing Day\t26 December 2018\t\t\t\tno",
            "2018\tOther\tToo late\t2 October 2019\t\t\t\tno",
        ]
    )
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session, text)

    warnings = "\n".join(found.warnings)
    assert found.can_import
    assert (
        "Row 2 (Set 0, 2018): This action learning set is before the cohort's workshop" in warnings
    )
    assert (
        "Row 3 (Coaching to commence by, 2018): Coaching is planned to commence before" in warnings
    )
    assert "Row 5 (Clash, 2018): It overlaps row 4 Launch workshop" in warnings
    assert "Row 6 (Saturday social, 2018): Sat 15 Sep 2018 is a weekend." in warnings
    assert "Row 7 (Boxing Day, 2018): Wed 26 Dec 2018 is a bank holiday (Boxing Day)." in warnings
    assert "Row 8 (Too late, 2018): This is outside the programme's window" in warnings


def test_it_is_confirmed_once_applied_all_or_nothing_and_idempotent(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session, WEEKEND)
        assert found.warnings == ["Row 7 (Social, 2018): Sat 15 Sep 2018 is a weekend."]
        with pytest.raises(TimetableNeedsConfirmation):
            apply_timetable(session, found, confirmed=None, actor="UCOORD", now=NOW)
        with pytest.raises(TimetableNeedsConfirmation):
            apply_timetable(session, found, confirmed="stale", actor="UCOORD", now=NOW)
        assert session.scalars(select(ProgrammeSession)).all() == []
        assert (
            apply_timetable(session, found, confirmed=found.fingerprint, actor="UCOORD", now=NOW)
            == 7
        )

    with unit_of_work(db) as session:
        rows = session.scalars(select(ProgrammeSession).order_by(ProgrammeSession.starts_at)).all()
        rows = [r for r in rows if r.title != "Social"]
        assert [(r.status, r.date_precision) for r in rows][-2:] == [
            (SessionStatus.DATE_TBC, DatePrecision.MONTH),
            (SessionStatus.DATE_TBC, DatePrecision.WEEK),
        ]
        coaching = next(r for r in rows if r.kind == SessionKind.COACHING)
        # Nobody attends planned coaching; the month-only session is on people's timetables.
        assert not coaching.invitations
        assert len(rows[-2].invitations) == 4
        again = plan(session, WEEKEND)
        assert again.changes == [] and again.warnings == []
        assert apply_timetable(session, again, confirmed=None, actor="UCOORD", now=NOW) == 0


def test_a_bad_row_writes_nothing(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session, TABLE + "\n2018\tWorkshop\tBad\t31 February 2019\t\t\t\tyes")
        with pytest.raises(InvalidInput, match="nothing was imported"):
            apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)
        assert session.scalars(select(ProgrammeSession)).all() == []


def test_the_export_is_the_table_and_importing_it_changes_nothing(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)
    with unit_of_work(db) as session:
        programme = session.scalars(select(Programme)).one()
        exported = export_timetable(session, programme)
        assert exported.splitlines()[0] == HEADER
        assert "2018\tWorkshop\tLaunch workshop\t12-13 September 2018\t\t\tLeeds\tyes" in exported
        assert "2018\tOrganisational development\tSystem leadership\tJanuary 2019\t" in exported
        assert "w/c 4 February 2019" in exported
        again = plan(session, exported)
        assert again.errors == [] and again.changes == []


def test_a_day_given_later_dates_a_session_planned_for_a_month(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)
    dated = TABLE.replace("January 2019", "15 January 2019")
    with unit_of_work(db) as session:
        found = plan(session, dated)
        assert [(s.row, s.state) for s in found.changes] == [(5, "day set")]
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)
    with unit_of_work(db) as session:
        row = session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.title == "System leadership")
        ).one()
        assert (row.status, row.date_precision, row.all_day) == (
            SessionStatus.SCHEDULED,
            DatePrecision.DAY,
            True,
        )
        assert len(session.scalars(select(ProgrammeSession)).all()) == 6
        assert session.scalars(select(Invitation).where(Invitation.session_id == row.id)).all()


def test_sessions_already_over_when_imported_are_history(db: sessionmaker[Session]) -> None:
    later = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=later)
        past = {
            r.title: r.past_when_added
            for r in session.scalars(select(ProgrammeSession).order_by(ProgrammeSession.id))
        }
    assert past == {
        "Launch workshop": True,
        "Action learning set 1": True,
        "Coaching to commence by": True,
        "System leadership": False,
        "Assessment centre": False,
    }


def test_nothing_is_sent_about_a_session_imported_after_it_ended(
    db: sessionmaker[Session],
) -> None:
    # Imported on Thu 1 Nov 2018: the recall day ended on Tue 30 Oct, the next is to come.
    later = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)
    text = "\n".join(
        [
            HEADER,
            "2018\tWorkshop\tRecall day\t30 October 2018\t\t\tLeeds\tyes",
            "2018\tWorkshop\tNext day\t1 November 2018\t10:00-11:00\t\tLeeds\tyes",
        ]
    )
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session, text)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=later)
        session.add(RoleGrant(slack_user_id="UCOORD", role=Role.COORDINATOR, granted_by="U"))
    with unit_of_work(db) as session:
        owed = owe_record_prompts(session, datetime(2018, 11, 1, 12, 0, tzinfo=UTC))
        prompted = set(session.scalars(select(OutboundMessage.session_id)))
        ids = {r.title: r.id for r in session.scalars(select(ProgrammeSession))}
    # Only the session still to come when imported gets its "Record attendance" prompt.
    assert (owed, prompted) == (1, {ids["Next day"]})


def test_the_same_table_after_moves_cancellations_and_days_set_changes_nothing(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        setup(session)
        found = plan(session)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)
    with unit_of_work(db) as session:
        rows = {r.title: r for r in session.scalars(select(ProgrammeSession))}
        moved = rows["Launch workshop"]
        timetable_move(session, moved)
        cancel_session(session, rows["Assessment centre"].id, reason="Dropped", actor="U", now=NOW)
    dated = TABLE.replace("January 2019", "15 January 2019")
    with unit_of_work(db) as session:
        found = plan(session, dated)
        apply_timetable(session, found, confirmed=found.fingerprint, actor="U", now=NOW)

    with unit_of_work(db) as session:
        again = plan(session)
        count = len(session.scalars(select(ProgrammeSession)).all())

    states = {s.title: s.state for s in again.sessions}
    assert again.changes == [] and count == 6
    assert states["Launch workshop"] == "moved since, left as it is"
    assert states["Assessment centre"] == "cancelled since, left as it is"
    assert states["System leadership"] == "dated since, left as it is"


def timetable_move(session: Session, row: ProgrammeSession) -> None:
    """Move `row` a week on, its warnings accepted, as the move form would."""
    later = (row.starts_at + timedelta(days=7), row.ends_at + timedelta(days=7))
    details = SessionDetails(kind=row.kind, title=row.title, starts_at=later[0], ends_at=later[1])
    accepted = plan_warnings(session, row.cohort, details, session_id=row.id)
    move_session(
        session,
        row.id,
        starts_at=later[0],
        ends_at=later[1],
        reason="Venue",
        accepted=accepted,
        actor="U",
        now=NOW,
    )
