"""A hand-made programme for the digest's tests, with every expected value worked out by hand.

Two cohorts of "Aspiring Directors" as of Monday 5 June 2017, plus a second programme whose rows
must never be counted. The comments by each row say what it contributes. `programme_id` (in this
folder's conftest) builds it for a test; `figures_for` computes its digest figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.reporting.digest.figures import DigestFigures
from bot.reporting.digest.gather import digest_figures
from db.engine import unit_of_work
from db.enums import (
    ApplicationStatus,
    AttendanceStatus,
    EnrolmentStatus,
    Level,
    OrganisationType,
    OutcomeKind,
    Readiness,
    RsvpStatus,
    SessionKind,
    SessionStatus,
)
from db.models import (
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    DigestSnapshot,
    Enrolment,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)

NOW = datetime(2017, 6, 5, 9, 0, tzinfo=UTC)  # a Monday
COORDINATOR = "UCOORD01"
JAN_5 = datetime(2017, 1, 5, 12, 0, tzinfo=UTC)
MAR_1 = datetime(2017, 3, 1, 12, 0, tzinfo=UTC)
A = 1  # cohort ids: the database is emptied (and PostgreSQL's sequences restarted) between tests
B = 2
NORTH = "Aspiring Directors / 2017 North"
SOUTH = "Aspiring Directors / 2017 South"
P = AttendanceStatus.PRESENT
X = AttendanceStatus.ABSENT
E = AttendanceStatus.EXCUSED
U = AttendanceStatus.UNKNOWN
YES = RsvpStatus.ATTENDING
NO = RsvpStatus.NOT_ATTENDING
NONE = RsvpStatus.NONE


@dataclass(frozen=True)
class Answers:
    """An application's diversity answers (gender and ethnicity only kept with consent)."""

    ethnicity: str | None
    gender: str | None
    region: str | None
    organisation_type: OrganisationType

    @property
    def consent(self) -> bool:
        return self.ethnicity is not None or self.gender is not None


class Builder:
    """Adds rows for the dataset with as little ceremony as possible."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.submitted = datetime(2016, 10, 1, 9, 0, tzinfo=UTC)

    def add(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def application(
        self,
        programme: Programme,
        person: Person,
        answers: Answers,
        status: ApplicationStatus = ApplicationStatus.ACCEPTED,
    ) -> Application:
        # Applications arrive a day apart, in the order they are made here.
        self.submitted += timedelta(days=1)
        row = Application(
            programme=programme,
            person=person,
            status=status,
            job_title="Deputy director",
            organisation="An NHS trust",
            organisation_type=answers.organisation_type,
            region=answers.region,
            diversity_consent=answers.consent,
            gender=answers.gender,
            ethnicity=answers.ethnicity,
            submitted_at=self.submitted,
        )
        self.add(row)
        return row

    def enrol(
        self,
        cohort: Cohort,
        name: str,
        *,
        region: str | None,
        status: EnrolmentStatus = EnrolmentStatus.ENROLLED,
        enrolled_at: datetime | None = JAN_5,
        coaching: int = 0,
        answers: Answers | None = None,
        link_application: bool = True,
        **extra: Any,
    ) -> Enrolment:
        person = Person(name=name, region=region)
        enrolment = Enrolment(
            person=person, cohort=cohort, status=status, enrolled_at=enrolled_at, **extra
        )
        self.add(enrolment)
        if answers is not None:
            application = self.application(cohort.programme, person, answers)
            if link_application:
                enrolment.application_id = application.id
        for number in range(coaching):
            self.add(
                CoachingSession(
                    enrolment=enrolment,
                    held_on=date(2017, 2, 1) + timedelta(weeks=number),
                    coach_name="Alex Coach",
                    logged_by=COORDINATOR,
                )
            )
        return enrolment

    def session_with(
        self,
        cohort: Cohort,
        title: str,
        starts_at: datetime,
        invitations: list[tuple[Enrolment, RsvpStatus, AttendanceStatus]],
        *,
        kind: SessionKind = SessionKind.ACTION_LEARNING_SET,
        hours: int = 3,
        compulsory: bool = True,
        status: SessionStatus = SessionStatus.SCHEDULED,
    ) -> ProgrammeSession:
        row = ProgrammeSession(
            cohort=cohort,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            compulsory=compulsory,
            status=status,
        )
        self.add(row)
        for enrolment, rsvp, attendance in invitations:
            self.add(Invitation(session=row, enrolment=enrolment, rsvp=rsvp, attendance=attendance))
        return row

    def graded(
        self,
        enrolment: Enrolment,
        on: date,
        readiness: Readiness,
        performance: Level,
        potential: Level,
    ) -> None:
        self.add(
            AssessmentResult(
                enrolment=enrolment,
                assessed_on=on,
                readiness=readiness,
                performance=performance,
                potential=potential,
                recorded_by=COORDINATOR,
            )
        )

    def did_not_attend(self, enrolment: Enrolment, reason: str) -> None:
        self.add(
            AssessmentResult(
                enrolment=enrolment, did_not_attend_reason=reason, recorded_by=COORDINATOR
            )
        )

    def outcome(
        self,
        enrolment: Enrolment,
        kind: OutcomeKind,
        *,
        credited: bool = True,
        confirmed: bool = True,
    ) -> None:
        self.add(
            Outcome(
                person=enrolment.person,
                enrolment=enrolment if credited else None,
                kind=kind,
                reported_by=COORDINATOR,
                confirmed_by=COORDINATOR if confirmed else None,
                confirmed_at=NOW - timedelta(days=3) if confirmed else None,
            )
        )


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def build(session: Session) -> int:
    """The hand-made programme; returns its id."""
    build_ = Builder(session)
    programme = Programme(name="Aspiring Directors")
    north = Cohort(programme=programme, name="2017 North", start_date=date(2017, 1, 9))
    south = Cohort(programme=programme, name="2017 South", start_date=date(2017, 3, 6))
    build_.add(programme, north, south)
    assert (north.id, south.id) == (A, B)
    acute, community = OrganisationType.ACUTE, OrganisationType.COMMUNITY

    # 2017 North. Workshop 10 Jan, so coaching should have started by 21 Feb.
    ann = build_.enrol(
        north, "Ann", region="North West", coaching=2,
        answers=Answers("White", "Woman", "North West", acute),
    )  # fmt: skip
    # Not started, and 4 left with 7 full months to go: at risk for both reasons.
    bob = build_.enrol(
        north, "Bob", region="North West", answers=Answers("White", "Man", "North West", acute)
    )
    # 3 left with 7 months to go is fine. No consent: gender and ethnicity not stated.
    cat = build_.enrol(
        north, "Cat", region="North West", coaching=1,
        answers=Answers(None, None, "North West", community),
    )  # fmt: skip
    # Withdrawn: enrolled once, but not a participant.
    dan = build_.enrol(
        north, "Dan", region="London", status=EnrolmentStatus.WITHDRAWN,
        answers=Answers("White", "Man", "London", acute),
    )  # fmt: skip
    # Completed: a participant, but not enrolled now; the application is not linked.
    eve = build_.enrol(
        north, "Eve", region="London", status=EnrolmentStatus.COMPLETED, coaching=4,
        answers=Answers("Asian", "Woman", "London", OrganisationType.MENTAL_HEALTH),
        link_application=False,
    )  # fmt: skip
    # Waiting: never enrolled.
    build_.enrol(
        north, "Fay", region="London", status=EnrolmentStatus.WAITING, enrolled_at=None,
        waiting_position=1,
    )  # fmt: skip

    # 2017 South. Workshop 1 May, so coaching is not expected to start before 12 Jun.
    # Allowance 2 and a deadline already passed with 1 unused: at risk.
    gus = build_.enrol(
        south, "Gus", region=None, enrolled_at=MAR_1, coaching=1,
        coaching_allowance=2, coaching_deadline=date(2017, 6, 1),
        answers=Answers("White", "Man", None, acute),
    )  # fmt: skip
    # 4 left with 8 full months to go (to 1 Mar 2018): not behind.
    hal = build_.enrol(
        south, "Hal", region="London", enrolled_at=MAR_1,
        answers=Answers("Black", "Man", "London", acute),
    )  # fmt: skip
    # An earlier, unsuccessful application ("Mixed") must not be what counts for Ivy.
    ivy_person = Person(name="Ivy", region="London")
    build_.add(ivy_person)
    build_.application(
        programme, ivy_person, Answers("Mixed", "Woman", "London", community),
        ApplicationStatus.UNSUCCESSFUL,
    )  # fmt: skip
    ivy_application = build_.application(
        programme, ivy_person, Answers("White", "Woman", "London", community)
    )
    ivy = Enrolment(
        person=ivy_person, cohort=south, status=EnrolmentStatus.ENROLLED, enrolled_at=MAR_1,
        application_id=ivy_application.id,
    )  # fmt: skip
    build_.add(ivy)
    for number in range(4):
        build_.add(
            CoachingSession(
                enrolment=ivy, held_on=date(2017, 3, 10 + number), coach_name="Alex Coach",
                logged_by=COORDINATOR,
            )
        )  # fmt: skip

    # Applicants who did not become participants.
    for number in range(12):
        build_.application(
            programme,
            Person(name=f"Applicant W{number}"),
            Answers("White", "Woman", "London", acute),
            ApplicationStatus.UNSUCCESSFUL,
        )
    for number in range(6):
        build_.application(
            programme,
            Person(name=f"Applicant A{number}"),
            Answers("Asian", "Man", "London", acute),
            ApplicationStatus.UNSUCCESSFUL,
        )
    for number in range(3):
        build_.application(
            programme,
            Person(name=f"Applicant N{number}"),
            Answers(None, None, "South East", OrganisationType.AMBULANCE),
        )

    # Sessions of 2017 North.
    build_.session_with(
        north, "Launch workshop", at(date(2017, 1, 10), 9),
        [(ann, YES, P), (bob, YES, P), (cat, NONE, X), (dan, NO, E), (eve, YES, P)],
        kind=SessionKind.WORKSHOP, hours=8,
    )  # fmt: skip
    build_.session_with(
        north, "Assessment centre", at(date(2017, 5, 20), 9),
        [(ann, NONE, P), (bob, NONE, P), (cat, NONE, X)],
        kind=SessionKind.ASSESSMENT, hours=8,
    )  # fmt: skip
    build_.session_with(
        north, "Board visit", at(date(2017, 5, 30)), [(ann, NONE, U), (cat, NONE, U)],
        kind=SessionKind.ORGANISATIONAL_DEVELOPMENT, compulsory=False,
    )  # fmt: skip
    build_.session_with(
        north, "Action learning set 1", at(date(2017, 6, 1)),
        [(ann, YES, P), (bob, NONE, X), (cat, YES, P), (eve, NONE, U)],
    )  # fmt: skip
    build_.session_with(
        north, "Cancelled set", at(date(2017, 4, 3)), [(ann, YES, P)],
        status=SessionStatus.CANCELLED,
    )  # fmt: skip
    build_.session_with(
        north, "Action learning set 2", at(date(2017, 6, 12)),
        [(ann, YES, U), (bob, NONE, U), (cat, YES, U)],
    )  # fmt: skip
    build_.session_with(north, "Action learning set 3", at(date(2017, 7, 20)), [(ann, NONE, U)])

    # Sessions of 2017 South.
    build_.session_with(
        south, "Launch workshop", at(date(2017, 5, 1), 9),
        [(gus, YES, P), (hal, YES, P), (ivy, NO, E)],
        kind=SessionKind.WORKSHOP, hours=8,
    )  # fmt: skip
    build_.session_with(south, "Action learning set 1", at(date(2017, 6, 8)), [])
    # Under way at NOW: not held yet, not coming up either.
    build_.session_with(south, "Webinar", NOW - timedelta(hours=1), [(gus, YES, U)], hours=2)

    # Assessments.
    build_.graded(ann, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.did_not_attend(bob, "On leave")
    build_.graded(eve, date(2017, 5, 25), Readiness.READY_12_18_MONTHS, Level.MEDIUM, Level.HIGH)
    build_.graded(eve, date(2017, 5, 20), Readiness.READY_LATER, Level.MEDIUM, Level.LOW)
    build_.graded(dan, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.graded(gus, date(2017, 5, 21), Readiness.READY_12_18_MONTHS, Level.HIGH, Level.MEDIUM)
    build_.did_not_attend(ivy, "Work commitments")
    build_.graded(ivy, date(2017, 5, 30), Readiness.READY_NOW, Level.HIGH, Level.HIGH)

    # Outcomes.
    build_.outcome(ann, OutcomeKind.PERMANENT_DIRECTOR)
    build_.outcome(ann, OutcomeKind.SECONDMENT, credited=False)
    build_.outcome(eve, OutcomeKind.OTHER_PROMOTION)
    build_.outcome(gus, OutcomeKind.ACTING_DIRECTOR, confirmed=False)
    build_.outcome(hal, OutcomeKind.LEFT_SERVICE)
    build_.outcome(dan, OutcomeKind.INTERIM_DIRECTOR)

    # Snapshots: last week's is the one to compare with.
    build_.add(
        DigestSnapshot(programme=programme, week_of=date(2017, 5, 22), figures={"enrolled_now": 6}),
        DigestSnapshot(
            programme=programme,
            week_of=date(2017, 5, 29),
            figures={
                "enrolled_now": 5, "enrolled_ever": 8, "sessions_held": 3,
                "attendance_percent": 60, "coaching_commenced": 4, "with_new_role": 1,
                "assessed": 2, "applicants": "*",
            },
        ),
        DigestSnapshot(programme=programme, week_of=date(2017, 6, 5), figures={"enrolled_now": 99}),
    )  # fmt: skip

    # Another programme, none of which may be counted.
    other = Programme(name="Other programme")
    elsewhere = Cohort(programme=other, name="2017", start_date=date(2017, 1, 9))
    build_.add(other, elsewhere)
    zed = build_.enrol(
        elsewhere, "Zed", region="London", coaching=1,
        answers=Answers("White", "Man", "London", acute),
    )  # fmt: skip
    build_.session_with(
        elsewhere, "Workshop", at(date(2017, 5, 31)), [(zed, YES, P)], kind=SessionKind.WORKSHOP
    )
    build_.graded(zed, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.outcome(zed, OutcomeKind.PERMANENT_DIRECTOR)
    build_.add(DigestSnapshot(programme=other, week_of=date(2017, 5, 29), figures={}))
    return programme.id


def figures_for(db: sessionmaker[Session], programme_id: int, **options: Any) -> DigestFigures:
    with unit_of_work(db) as session:
        return digest_figures(session, programme_id=programme_id, now=NOW, **options)
