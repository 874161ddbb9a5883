"""Final assessment rules: validation, graded-or-reason, latest graded row wins, offers, reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import actor_of, values_of
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.reporting import assessment_report, assessments
from bot.reporting.assessments import AssessmentEntry, box_name
from bot.slack.ids.assessments import Field
from db.engine import unit_of_work
from db.enums import Level, Readiness, Role, SessionKind, SessionStatus
from db.models import AssessmentResult, AuditEvent, Invitation, OutboundMessage
from tests.support.programmes import make_cohort, make_person, make_session
from tests.support.statements import selects, statements

NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
COORDINATOR = "UCOORD01"
COORDINATING = {Role.COORDINATOR}
PARTICIPANT = "UPART001"
OTHER = "UPART002"
GRADED = AssessmentEntry(
    attended=True,
    assessed_on=date(2017, 1, 30),
    panel="Dr A Smith, J Jones",
    readiness=Readiness.READY_NOW,
    performance=Level.HIGH,
    potential=Level.MEDIUM,
    development_areas=("Influencing", "Resilience"),
    other_areas="Digital transformation, Resilience",
    feedback_given=True,
)
MISSED = AssessmentEntry(attended=False, reason="work_commitments", reason_note="Winter pressures")


@pytest.fixture
def people(db: sessionmaker[Session]) -> dict[str, int]:
    """A cohort with two participants (enrolment ids by Slack id) and a later assessment session."""
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        ids = {
            slack_id: make_person(session, cohort, name, slack_user_id=slack_id).id
            for slack_id, name in ((PARTICIPANT, "Pat Participant"), (OTHER, "Olly Other"))
        }
        make_session(
            session,
            cohort,
            "Assessment centre (second sitting)",
            kind=SessionKind.ASSESSMENT,
            starts_at=datetime(2017, 3, 14, 9, 30, tzinfo=UTC),
        )
    return ids


def record(
    session: Session,
    enrolment_id: int,
    entry: AssessmentEntry = GRADED,
    roles: set[Role] = COORDINATING,
) -> assessments.RecordedAssessment:
    return assessments.record_assessment(
        session, enrolment_id=enrolment_id, actor=COORDINATOR, roles=roles, entry=entry, now=NOW
    )


def with_(entry: AssessmentEntry = GRADED, **changes: Any) -> AssessmentEntry:
    return AssessmentEntry(**{**entry.__dict__, **changes})


def test_a_graded_assessment_is_stored_with_its_box_and_audited(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        recorded = record(session, people[PARTICIPANT])

    assert (recorded.box, recorded.readiness) == ("High performance, medium potential", "Ready now")
    with unit_of_work(db) as session:
        row = session.scalars(select(AssessmentResult)).one()
        assert (row.assessed_on, row.panel, row.readiness, row.performance, row.potential) == (
            date(2017, 1, 30),
            "Dr A Smith, J Jones",
            Readiness.READY_NOW,
            Level.HIGH,
            Level.MEDIUM,
        )
        # Listed areas, then the typed ones, without repeats.
        assert row.development_areas == ["Influencing", "Resilience", "Digital transformation"]
        assert (row.feedback_given, row.did_not_attend_reason, row.recorded_by) == (
            True,
            None,
            COORDINATOR,
        )
        audit = session.scalars(select(AuditEvent)).one()
        _, after = values_of(session, audit)
        assert after is not None
        assert (audit.action, actor_of(session, audit), after["readiness"]) == (
            "assessment.record",
            COORDINATOR,
            "ready_now",
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"assessed_on": date(2017, 2, 2)}, Field.DATE, "That date is in the future"),
        ({"assessed_on": None}, Field.DATE, "Pick the date"),
        ({"readiness": None}, Field.READINESS, "Choose how ready"),
        ({"performance": None}, Field.PERFORMANCE, "Choose their performance"),
        ({"potential": None}, Field.POTENTIAL, "Choose their potential"),
        ({"development_areas": ("Juggling",)}, Field.AREAS, "from the list"),
        ({"panel": "x" * 501}, Field.PANEL, "500 characters"),
        ({"attended": False}, Field.REASON, "Choose why they did not attend"),
        ({"attended": False, "reason": "other"}, Field.REASON_NOTE, "what the other reason was"),
    ],
)
def test_mistakes_are_refused_on_their_field_and_nothing_is_stored(
    db: sessionmaker[Session],
    people: dict[str, int],
    changes: dict[str, Any],
    field: Field,
    message: str,
) -> None:
    with pytest.raises(InvalidInput) as raised, unit_of_work(db) as session:
        record(session, people[PARTICIPANT], with_(**changes))

    assert raised.value.field == field
    assert message in str(raised.value)
    with unit_of_work(db) as session:
        assert session.scalars(select(AssessmentResult)).all() == []


def test_today_is_not_the_future(db: sessionmaker[Session], people: dict[str, int]) -> None:
    with unit_of_work(db) as session:
        assert record(session, people[PARTICIPANT], with_(assessed_on=date(2017, 2, 1))).attended


def test_a_non_attender_needs_only_a_reason_and_their_grading_is_not_kept(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        recorded = record(
            session, people[PARTICIPANT], with_(MISSED, readiness=Readiness.READY_NOW)
        )

    assert (recorded.attended, recorded.box, recorded.reason) == (
        False,
        None,
        "Work commitments: Winter pressures",
    )
    with unit_of_work(db) as session:
        row = session.scalars(select(AssessmentResult)).one()
        assert (row.readiness, row.performance, row.did_not_attend_reason) == (
            None,
            None,
            "Work commitments: Winter pressures",
        )


def test_the_database_refuses_a_row_neither_graded_nor_explained(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with pytest.raises(IntegrityError), unit_of_work(db) as session:
        session.add(
            AssessmentResult(
                enrolment_id=people[PARTICIPANT], readiness=Readiness.READY_NOW, recorded_by="U1"
            )
        )
        session.flush()


def test_only_coordinators_record_assessments(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with pytest.raises(PermissionDenied), unit_of_work(db) as session:
        record(session, people[PARTICIPANT], roles={Role.COACH})


def test_the_latest_graded_assessment_is_the_current_one(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        first = record(session, people[PARTICIPANT], with_(assessed_on=date(2017, 1, 10)))
        record(session, people[PARTICIPANT], with_(MISSED, assessed_on=date(2017, 1, 20)))
        second = record(
            session,
            people[PARTICIPANT],
            with_(
                assessed_on=date(2017, 1, 25), readiness=Readiness.READY_LATER, potential=Level.LOW
            ),
        )
        # Recorded last, but held before the second: it does not supersede it.
        record(session, people[PARTICIPANT], with_(assessed_on=date(2017, 1, 12)))
        other = record(session, people[OTHER])

    with unit_of_work(db) as session, statements(db.kw["bind"]) as seen:
        current = assessment_report.current_assessments(session)

    assert len(selects(seen)) == 1
    assert [
        (c.enrolment_id, c.result_id, c.readiness, c.performance, c.potential) for c in current
    ] == [
        (people[PARTICIPANT], second.result_id, Readiness.READY_LATER, Level.HIGH, Level.LOW),
        (people[OTHER], other.result_id, Readiness.READY_NOW, Level.HIGH, Level.MEDIUM),
    ]
    assert first.result_id not in {c.result_id for c in current}
    with unit_of_work(db) as session:
        assert assessment_report.current_assessments(session, cohort_ids=[999]) == []
        cohort_id = current[0].cohort_id
        assert len(assessment_report.current_assessments(session, cohort_ids=[cohort_id])) == 2


def test_a_non_attender_is_offered_another_assessment_date_by_invitation_dm(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        record(session, people[PARTICIPANT], MISSED)
        enrolment = assessments.enrolment_to_assess(session, PARTICIPANT)
        (choice,) = assessments.other_assessment_sessions(session, enrolment, NOW)
        offered = assessments.offer_another_date(
            session,
            enrolment_id=enrolment.id,
            session_id=choice.id,
            actor=COORDINATOR,
            roles=COORDINATING,
            now=NOW,
        )

    assert (offered.name, offered.title) == (
        "Pat Participant",
        "Assessment centre (second sitting)",
    )
    with unit_of_work(db) as session:
        invitation = session.scalars(select(Invitation)).one()
        assert (invitation.session_id, invitation.enrolment_id) == (choice.id, people[PARTICIPANT])
        dm = session.scalars(select(OutboundMessage)).one()
        assert (dm.recipient, dm.kind, dm.due_at) == (PARTICIPANT, "assessment_offer", NOW)
        assert (
            "*Assessment centre (second sitting)* is in 41 days: Tue 14 Mar, 09:30"
            in dm.payload["text"]
        )
        buttons = [e["text"]["text"] for e in dm.payload["blocks"][2]["elements"]]
        assert buttons == ["I'll be there", "Can't make it", "Add to calendar"]
        assert "assessment.offer" in session.scalars(select(AuditEvent.action)).all()

    with pytest.raises(InvalidInput, match="already been offered"), unit_of_work(db) as session:
        assessments.offer_another_date(
            session,
            enrolment_id=people[PARTICIPANT],
            session_id=choice.id,
            actor=COORDINATOR,
            roles=COORDINATING,
            now=NOW,
        )


def test_only_a_later_assessment_session_of_their_cohort_can_be_offered(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        enrolment = assessments.enrolment_to_assess(session, PARTICIPANT)
        workshop = make_session(session, enrolment.cohort, "Workshop")
        past = make_session(
            session,
            enrolment.cohort,
            "Earlier assessment",
            kind=SessionKind.ASSESSMENT,
            starts_at=datetime(2017, 1, 14, 9, 30, tzinfo=UTC),
        )
        cancelled = make_session(session, enrolment.cohort, "Off", kind=SessionKind.ASSESSMENT)
        cancelled.status = SessionStatus.CANCELLED
        elsewhere = make_session(
            session, make_cohort(session, programme="Other"), "Theirs", kind=SessionKind.ASSESSMENT
        )
        ids = {
            "workshop": workshop.id,
            "past": past.id,
            "cancelled": cancelled.id,
            "other": elsewhere.id,
        }

    expected = {
        "workshop": "not an assessment session",
        "past": "cancelled or already past",
        "cancelled": "cancelled or already past",
        "other": "not one of their cohort's sessions",
    }
    for name, message in expected.items():
        with pytest.raises(InvalidInput, match=message), unit_of_work(db) as session:
            assessments.offer_another_date(
                session,
                enrolment_id=people[PARTICIPANT],
                session_id=ids[name],
                actor=COORDINATOR,
                roles=COORDINATING,
                now=NOW,
            )
    with pytest.raises(PermissionDenied), unit_of_work(db) as session:
        assessments.offer_another_date(
            session,
            enrolment_id=people[PARTICIPANT],
            session_id=ids["past"],
            actor=OTHER,
            roles=set(),
            now=NOW,
        )
    with unit_of_work(db) as session:
        assert session.scalar(select(sa.func.count(OutboundMessage.id))) == 0


def test_the_cohort_report_counts_readiness_and_the_nine_box_grid(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        cohort = assessments.enrolment_to_assess(session, PARTICIPANT).cohort
        third = make_person(session, cohort, "Alex Absent", slack_user_id="UPART003").id
        fourth = make_person(session, cohort, "Nia Notyet").id
        record(session, people[PARTICIPANT])
        record(session, people[OTHER], with_(readiness=Readiness.READY_12_18_MONTHS))
        record(session, third, MISSED)
        report = assessment_report.cohort_assessments(session, cohort)

    assert fourth
    assert report.label == "Aspiring Directors / 2017"
    assert [(line.name, line.state, line.box, line.reason) for line in report.lines] == [
        ("Alex Absent", "did_not_attend", None, "Work commitments: Winter pressures"),
        ("Nia Notyet", "not_assessed", None, None),
        ("Olly Other", "assessed", "High performance, medium potential", None),
        ("Pat Participant", "assessed", "High performance, medium potential", None),
    ]
    assert (
        report.count("assessed"),
        report.count("not_assessed"),
        report.count("did_not_attend"),
    ) == (2, 1, 1)
    assert report.readiness_counts == {Readiness.READY_NOW: 1, Readiness.READY_12_18_MONTHS: 1}
    assert report.grid == {(Level.HIGH, Level.MEDIUM): 2}


def test_box_names_read_as_words() -> None:
    assert box_name(Level.LOW, Level.HIGH) == "Low performance, high potential"


def test_someone_not_on_a_programme_cannot_be_assessed(
    db: sessionmaker[Session], people: dict[str, int]
) -> None:
    with pytest.raises(NotFound), unit_of_work(db) as session:
        assessments.enrolment_to_assess(session, "UNOBODY1")
