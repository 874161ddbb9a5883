"""A programme already under way: a cohort imported from its start, and its past coaching,
attendance and outcomes brought in with their dates, all or nothing, with nothing sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.applications.importing import plan_import, read_file, run_import
from bot.coaching.log import CoachRef, log_coaching_session
from bot.evaluations.schedule import open_milestone_evaluations
from bot.programmes.timetable_table import lines_of_text
from bot.reporting.history import apply_history, history_preview, plan_history
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import create_engine_for, make_session_factory, unit_of_work
from db.enums import AttendanceStatus, OutcomeKind, Role
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationRequest,
    Invitation,
    OutboundMessage,
    Outcome,
    Programme,
    ProgrammeSession,
)
from tests.applications.test_import import click_import, csv_text, row, share_csv
from tests.applications.test_import_cli import cohortbot
from tests.fixtures.bot import COORDINATOR, clean_environment
from tests.support.applications import ANSWERS, PROGRAMME, seed_programme

NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
STARTED = date(2016, 10, 3)
HEADER = "email,record,date,coach,session,attendance,reason,outcome,role,organisation,note"
HISTORY = "\n".join(
    [
        HEADER,
        "pat@example.nhs.uk,coaching,14 November 2016,Casey Coach,,,,,,,",
        "pat@example.nhs.uk,coaching,9/1/2017,Casey Coach,,,,,,,Room 3",
        "pat@example.nhs.uk,attendance,4 October 2016,,Launch workshop,present,,,,,",
        "pat@example.nhs.uk,attendance,5 Dec 2016,,,excused,Sick,,,,",
        "pat@example.nhs.uk,outcome,2 January 2017,,,,,interim director,Director of Nursing,Leeds Teaching Hospitals,",
    ]
)


def under_way(db: sessionmaker[Session]) -> None:
    """The programme's cohort started on Mon 3 Oct 2016, with two sessions already held and
    one to come; its participants are imported from a spreadsheet on 1 Feb 2017."""
    seed_programme(db)
    with unit_of_work(db) as session:
        cohort = session.scalars(select(Cohort)).one()
        cohort.start_date = STARTED
        for title, day in (
            ("Launch workshop", datetime(2016, 10, 4, 9, tzinfo=UTC)),
            ("Action learning set 1", datetime(2016, 12, 5, 10, tzinfo=UTC)),
            ("Action learning set 2", datetime(2017, 3, 6, 10, tzinfo=UTC)),
        ):
            session.add(
                ProgrammeSession(
                    cohort=cohort,
                    kind="workshop" if "workshop" in title else "action_learning_set",
                    title=title,
                    starts_at=day,
                    ends_at=day.replace(hour=16),
                    past_when_added=day < NOW,
                )
            )
    text = csv_text(row(cohort="Cohort 1"), header=[*ANSWERS, "programme", "round", "cohort"])
    parsed = read_file(text, lookup=lambda _email: "UPAT0001")
    with unit_of_work(db) as session:
        plan = plan_import(session, parsed)
        run_import(session, plan, slack_ids=parsed.slack_ids, actor=COORDINATOR, now=NOW)


def test_a_cohort_under_way_is_enrolled_from_its_start_and_told_only_what_is_to_come(
    db: sessionmaker[Session],
) -> None:
    under_way(db)

    with unit_of_work(db) as session:
        enrolment = session.scalars(select(Enrolment)).one()
        assert enrolment.enrolled_at is not None
        assert enrolment.enrolled_at.date() == STARTED
        assert enrolment.coaching_deadline == date(2017, 10, 3)
        welcome = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "welcome")
        ).one()
        text = str(welcome.payload["blocks"])
        assert "Action learning set 2" in text
        assert "Launch workshop" not in text and "Action learning set 1" not in text
        # Months in, a baseline would measure the programme's effect: none is asked.
        assert open_milestone_evaluations(session, NOW) == 0
        assert session.scalars(select(EvaluationRequest)).all() == []
        # Coaching since the start (before the import day) can be logged.
        status = log_coaching_session(
            session,
            enrolment_id=enrolment.id,
            actor=COORDINATOR,
            roles={Role.COORDINATOR},
            held_on=date(2016, 11, 1),
            coach=CoachRef(None, "Casey Coach"),
            note=None,
            now=NOW,
        )
        assert status.used == 1


def history(db: sessionmaker[Session], text: str = HISTORY) -> Any:
    with unit_of_work(db) as session:
        return plan_history(session, lines_of_text(text), now=NOW)


def test_past_coaching_attendance_and_outcomes_are_brought_in_once_and_nothing_is_sent(
    db: sessionmaker[Session],
) -> None:
    under_way(db)
    with unit_of_work(db) as session:
        sent_before = session.scalar(select(func.count(OutboundMessage.id)))

    plan = history(db)
    assert plan.errors == [] and len(plan.new) == 5
    shown = history_preview(plan)
    assert "5 past records to bring in" in shown
    assert "Row 4: Pat Participant, Tue 4 Oct 2016: present at Launch workshop" in shown
    with unit_of_work(db) as session:
        assert (
            apply_history(
                session,
                plan_history(session, lines_of_text(HISTORY), now=NOW),
                actor=COORDINATOR,
                now=NOW,
            )
            == 5
        )

    with unit_of_work(db) as session:
        held = sorted(c.held_on for c in session.scalars(select(CoachingSession)))
        assert held == [date(2016, 11, 14), date(2017, 1, 9)]
        attendance = {
            i.session.title: (i.attendance, i.attendance_reason)
            for i in session.scalars(select(Invitation))
        }
        assert attendance["Launch workshop"] == (AttendanceStatus.PRESENT, None)
        assert attendance["Action learning set 1"] == (AttendanceStatus.EXCUSED, "Sick")
        outcome = session.scalars(select(Outcome)).one()
        assert (outcome.kind, outcome.started_on, outcome.confirmed_by) == (
            OutcomeKind.INTERIM_DIRECTOR,
            date(2017, 1, 2),
            COORDINATOR,
        )
        assert session.scalar(select(func.count(OutboundMessage.id))) == sent_before
    again = history(db)
    assert again.errors == [] and again.new == []


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(db: sessionmaker[Session]) -> None:
    under_way(db)
    text = "\n".join(
        [
            HISTORY,
            "pat@example.nhs.uk,coaching,1 September 2016,Casey Coach,,,,,,,",
            "nobody@example.nhs.uk,coaching,1 November 2016,Casey Coach,,,,,,,",
            "pat@example.nhs.uk,attendance,6 March 2017,,,present,,,,,",
            "pat@example.nhs.uk,attendance,7 Nov 2016,,,present,,,,,",
            "pat@example.nhs.uk,outcome,2 January 2017,,,,,astronaut,,,",
            "pat@example.nhs.uk,party,2 January 2017,,,,,,,,",
        ]
    )

    plan = history(db, text)

    assert [(e.row, e.column) for e in plan.errors] == [
        (7, "date"),
        (8, "email"),
        (9, "date"),
        (10, "session"),
        (11, "outcome"),
        (12, "record"),
    ]
    assert "before Pat Participant's place began" in plan.errors[0].message
    assert "in the future" in plan.errors[2].message
    with unit_of_work(db) as session:
        assert session.scalars(select(CoachingSession)).all() == []


def test_coaching_beyond_the_allowance_is_refused(db: sessionmaker[Session]) -> None:
    under_way(db)
    rows = [
        f"pat@example.nhs.uk,coaching,{day} November 2016,Casey Coach,,,,,,,"
        for day in (1, 8, 15, 22, 29)
    ]

    plan = history(db, "\n".join([HEADER, *rows]))

    assert [(e.row, e.column) for e in plan.errors] == [(6, "date")]
    assert "beyond Pat Participant's allowance of 4 sessions" in plan.errors[0].message


def test_a_shared_history_file_is_previewed_and_brought_in_by_its_button(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    under_way(runtime.session_factory)

    preview = share_csv(slack, standin, COORDINATOR, HISTORY, filename="history.csv")

    assert "5 past records to bring in" in str(preview.blocks)
    reply = click_import(slack, standin, COORDINATOR, preview)
    assert "Brought in 5 past records from history.csv. Nothing was sent." in reply["text"]


def test_the_command_line_brings_history_in(tmp_path: Path) -> None:
    env = clean_environment(tmp_path)
    assert cohortbot("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    db = make_session_factory(create_engine_for(env["DATABASE_URL"]))
    under_way(db)
    (tmp_path / "history.csv").write_text(HISTORY)

    result = cohortbot("history", "import", "history.csv", "--yes", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Brought in 5 past records." in result.stdout
    with unit_of_work(db) as session:
        assert session.scalar(select(func.count(CoachingSession.id))) == 2
        assert session.scalars(select(Programme.name)).one() == PROGRAMME
