"""What the schema itself refuses: foreign keys, unique rows, consent, anonymity, deletes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.engine import (
    unit_of_work,
)
from db.models import (
    ActionLearningGroup,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Cohort,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationResponse,
    OutboundMessage,
    Person,
    ProgrammeSession,
    QuestionType,
    Role,
    RoleGrant,
    SessionKind,
)
from tests.db.model_data import (
    NOW,
    add_and_commit,
    make_application,
    make_cohort,
    make_person,
    make_programme,
)

# --- constraints ---------------------------------------------------------------------


def test_foreign_keys_are_enforced(db: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError):
        add_and_commit(db, Cohort(programme_id=999_999, name="Orphan"))


def test_emails_are_stored_lower_case_and_unique_regardless_of_case(
    db: sessionmaker[Session],
) -> None:
    person = make_person(db, email="  Pat.Smith@Example.NHS.uk ")
    assert person.email == "pat.smith@example.nhs.uk"

    with pytest.raises(IntegrityError):
        make_person(db, email="PAT.SMITH@example.nhs.uk")


def test_the_database_refuses_a_mixed_case_email(db: sessionmaker[Session]) -> None:
    # Core bypasses the ORM validator; the CHECK constraint still holds.
    with db() as session, pytest.raises(IntegrityError):
        session.execute(
            sa.insert(Person).values(name="Pat", email="Pat@example.nhs.uk", created_at=NOW)
        )


def test_people_without_email_or_slack_id_do_not_clash(db: sessionmaker[Session]) -> None:
    add_and_commit(db, Person(name="One"), Person(name="Two"))


def test_a_person_is_enrolled_in_a_cohort_only_once(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    person = make_person(db)
    add_and_commit(db, Enrolment(person_id=person.id, cohort_id=cohort.id))

    with pytest.raises(IntegrityError):
        add_and_commit(db, Enrolment(person_id=person.id, cohort_id=cohort.id))


def test_the_same_global_role_cannot_be_granted_twice(db: sessionmaker[Session]) -> None:
    add_and_commit(db, RoleGrant(slack_user_id="U1", role=Role.COORDINATOR, granted_by="U0"))

    with pytest.raises(IntegrityError):
        add_and_commit(db, RoleGrant(slack_user_id="U1", role=Role.COORDINATOR, granted_by="U0"))


def test_programme_roles_are_unique_per_programme(db: sessionmaker[Session]) -> None:
    first, second = make_programme(db, "First"), make_programme(db, "Second")
    add_and_commit(
        db,
        RoleGrant(slack_user_id="U1", role=Role.COACH, granted_by="U0"),
        RoleGrant(slack_user_id="U1", role=Role.COACH, programme_id=first.id, granted_by="U0"),
        RoleGrant(slack_user_id="U1", role=Role.COACH, programme_id=second.id, granted_by="U0"),
    )

    with pytest.raises(IntegrityError):
        add_and_commit(
            db,
            RoleGrant(slack_user_id="U1", role=Role.COACH, programme_id=first.id, granted_by="U0"),
        )


def test_one_live_application_per_person_per_programme(db: sessionmaker[Session]) -> None:
    programme = make_programme(db)
    person = make_person(db)
    make_application(db, programme, person, ApplicationStatus.WITHDRAWN)
    make_application(db, programme, person, ApplicationStatus.UNSUCCESSFUL)
    make_application(db, programme, person, ApplicationStatus.SHORTLISTED)

    with pytest.raises(IntegrityError):
        make_application(db, programme, person, ApplicationStatus.RECEIVED)


def test_diversity_data_needs_consent(db: sessionmaker[Session]) -> None:
    programme = make_programme(db)
    person = make_person(db)
    application = make_application(db, programme, person, ApplicationStatus.RECEIVED)

    with pytest.raises(IntegrityError), unit_of_work(db) as session:
        session.get_one(Application, application.id).gender = "Prefer to self-describe"


def test_deleting_an_application_deletes_its_history(db: sessionmaker[Session]) -> None:
    application = make_application(
        db, make_programme(db), make_person(db), ApplicationStatus.RECEIVED
    )
    add_and_commit(
        db,
        ApplicationStatusChange(
            application_id=application.id, to_status=ApplicationStatus.RECEIVED, changed_by="system"
        ),
    )

    with unit_of_work(db) as session:
        # Core delete: the database's ON DELETE CASCADE, not the ORM, does the work.
        session.execute(sa.delete(Application).where(Application.id == application.id))

    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ApplicationStatusChange)) == 0


def test_deleting_a_session_keeps_its_sent_messages(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    programme_session = ProgrammeSession(
        cohort_id=cohort.id,
        kind=SessionKind.WORKSHOP,
        title="Two-day workshop",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=7),
    )
    add_and_commit(db, programme_session)
    message = OutboundMessage(
        recipient="U1",
        kind="session_reminder",
        due_at=NOW,
        idempotency_key="k1",
        session_id=programme_session.id,
    )
    add_and_commit(db, message)

    with unit_of_work(db) as session:
        session.execute(
            sa.delete(ProgrammeSession).where(ProgrammeSession.id == programme_session.id)
        )

    with db() as session:
        assert session.get_one(OutboundMessage, message.id).session_id is None


def test_a_group_with_sessions_cannot_be_deleted(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    group = ActionLearningGroup(cohort_id=cohort.id, name="Set A")
    add_and_commit(db, group)
    add_and_commit(
        db,
        ProgrammeSession(
            cohort_id=cohort.id,
            action_learning_group_id=group.id,
            kind=SessionKind.ACTION_LEARNING_SET,
            title="Action learning set 1",
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=3),
        ),
    )

    with pytest.raises(IntegrityError), unit_of_work(db) as session:
        session.execute(sa.delete(ActionLearningGroup).where(ActionLearningGroup.id == group.id))


# --- anonymous evaluations --------------------------------------------------------------


def test_anonymous_responses_cannot_be_tied_to_a_person() -> None:
    response = EvaluationResponse.__table__
    referenced = {fk.column.table.name for fk in response.foreign_keys}
    assert referenced.isdisjoint({"person", "evaluation_request"})
    assert isinstance(response.c.id.type, sa.String)
    assert "created_at" not in response.c

    answer = EvaluationAnswer.__table__
    assert {c.name for c in answer.primary_key} == {"response_id", "question_id"}


def test_an_anonymous_response_may_not_carry_a_timestamp(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    form = EvaluationForm(
        key="workshop", version=1, title="Workshop", anonymous=True, attached_to="workshop"
    )
    form.questions.append(
        EvaluationQuestion(key="overall", position=1, type=QuestionType.RATING5, text="Overall?")
    )
    add_and_commit(db, form)

    anonymous = EvaluationResponse(form_id=form.id, cohort_id=cohort.id, submitted_on=NOW.date())
    anonymous.answers.append(EvaluationAnswer(question_id=form.questions[0].id, value_number=5))
    add_and_commit(db, anonymous)
    assert len(anonymous.id) == 32

    with pytest.raises(IntegrityError):
        add_and_commit(
            db,
            EvaluationResponse(
                form_id=form.id, cohort_id=cohort.id, submitted_on=NOW.date(), submitted_at=NOW
            ),
        )
