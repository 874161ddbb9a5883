"""Model-level behaviour on both backends: time zones, constraints, sessions, health."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from db.base import UTCDateTime
from db.engine import (
    create_engine_for,
    is_sqlite_memory,
    make_session_factory,
    normalise_url,
    ping,
    unit_of_work,
)
from db.models import (
    ActionLearningGroup,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    AuditEvent,
    Cohort,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationResponse,
    OrganisationType,
    OutboundMessage,
    Person,
    ProcessedEvent,
    Programme,
    ProgrammeSession,
    QuestionType,
    Role,
    RoleGrant,
    SessionKind,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 3, 31, 9, 30, tzinfo=UTC)


def add_and_commit(db: sessionmaker[Session], *objects: object) -> None:
    with unit_of_work(db) as session:
        session.add_all(objects)


def make_programme(db: sessionmaker[Session], name: str = "Aspirant directors") -> Programme:
    programme = Programme(name=name)
    add_and_commit(db, programme)
    return programme


def make_cohort(db: sessionmaker[Session]) -> Cohort:
    cohort = Cohort(programme=make_programme(db), name="Cohort 1", start_date=date(2024, 4, 1))
    add_and_commit(db, cohort)
    return cohort


def make_person(db: sessionmaker[Session], email: str = "pat@example.nhs.uk") -> Person:
    person = Person(name="Pat", email=email)
    add_and_commit(db, person)
    return person


def make_application(
    db: sessionmaker[Session], programme: Programme, person: Person, status: ApplicationStatus
) -> Application:
    application = Application(
        programme_id=programme.id,
        person_id=person.id,
        status=status,
        job_title="Deputy director of workforce",
        organisation="An NHS trust",
        organisation_type=OrganisationType.ACUTE,
    )
    add_and_commit(db, application)
    return application


# --- UTCDateTime --------------------------------------------------------------------


def test_aware_datetimes_come_back_as_the_same_instant_in_utc(db: sessionmaker[Session]) -> None:
    # 01:30 on the morning the clocks go back in London happens twice; fold=0 is BST.
    stored = datetime(2024, 10, 27, 1, 30, fold=0, tzinfo=LONDON)
    add_and_commit(
        db, AuditEvent(at=stored, actor="system", action="a", entity_type="t", entity_id="1")
    )

    with db() as session:
        loaded = session.scalars(sa.select(AuditEvent.at)).one()

    # Python never calls an ambiguous time equal to one in another zone: compare instants.
    assert loaded.timestamp() == stored.timestamp()
    assert loaded.tzinfo is UTC
    assert loaded == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_range_queries_compare_instants_not_wall_clock_times(db: sessionmaker[Session]) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    times = [NOW - timedelta(hours=1), NOW, NOW + timedelta(hours=1)]
    add_and_commit(
        db,
        *(
            AuditEvent(
                at=t.astimezone(kolkata),
                actor="system",
                action=str(i),
                entity_type="t",
                entity_id="1",
            )
            for i, t in enumerate(times)
        ),
    )

    with db() as session:
        after = session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.at > NOW.astimezone(LONDON))
            .order_by(AuditEvent.at)
        ).all()

    assert after == ["2"]


def test_naive_datetimes_are_refused_on_assignment() -> None:
    with pytest.raises(ValueError, match="naive"):
        AuditEvent(at=datetime(2024, 1, 1, 9, 0))


def test_naive_datetimes_are_refused_by_core_inserts_too(db: sessionmaker[Session]) -> None:
    with db() as session, pytest.raises(StatementError) as caught:
        session.execute(
            sa.insert(AuditEvent).values(
                at=datetime(2024, 1, 1, 9, 0),
                actor="system",
                action="a",
                entity_type="t",
                entity_id="1",
            )
        )
    assert isinstance(caught.value.orig, ValueError)


def test_utc_datetime_type_refuses_naive_values_directly() -> None:
    dialect = sa.create_engine("sqlite://").dialect
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2024, 1, 1), dialect)


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


# --- enums and JSON -------------------------------------------------------------------


def test_enums_are_stored_as_their_values(db: sessionmaker[Session]) -> None:
    add_and_commit(db, Person(name="Pat", organisation_type=OrganisationType.ARMS_LENGTH_BODY))

    with db() as session:
        raw = session.execute(sa.text("SELECT organisation_type FROM person")).scalar_one()
        loaded = session.scalars(sa.select(Person.organisation_type)).one()

    assert raw == "arms_length_body"
    assert loaded is OrganisationType.ARMS_LENGTH_BODY


def test_json_none_is_sql_null(db: sessionmaker[Session]) -> None:
    add_and_commit(
        db,
        AuditEvent(
            at=NOW,
            actor="system",
            action="a",
            entity_type="t",
            entity_id="1",
            before=None,
            after={"x": [1]},
        ),
    )

    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.before.is_(None))) == 1
        assert session.scalars(sa.select(AuditEvent.after)).one() == {"x": [1]}


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


# --- sessions and units of work -----------------------------------------------------------


def test_unit_of_work_commits_at_the_end(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        session.add(Programme(name="Committed"))

    with db() as session:
        assert session.scalars(sa.select(Programme.name)).all() == ["Committed"]


def test_unit_of_work_rolls_back_when_the_block_raises(db: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), unit_of_work(db) as session:
        session.add(Programme(name="Rolled back"))
        session.flush()
        raise RuntimeError("boom")

    with db() as session:
        assert session.scalars(sa.select(Programme.name)).all() == []


def test_objects_stay_usable_after_commit(db: sessionmaker[Session]) -> None:
    programme = make_programme(db)
    assert programme.length_months == 12
    assert programme.coaching_allowance == 4
    assert programme.timezone == "Europe/London"


def test_concurrent_read_then_write_transactions_do_not_fail(db: sessionmaker[Session]) -> None:
    # Without BEGIN IMMEDIATE on SQLite, a read-then-write transaction fails at once
    # with "database is locked" when another connection wrote in between.
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                with unit_of_work(db) as session:
                    session.scalar(sa.select(sa.func.count()).select_from(ProcessedEvent))
                    session.add(ProcessedEvent(event_id=f"E{n}-{i}", received_at=NOW))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ProcessedEvent)) == 60


# --- engines ------------------------------------------------------------------------------


def test_ping_is_true_on_a_live_database(engine: sa.Engine) -> None:
    assert ping(engine) is True


def test_ping_is_false_quickly_when_postgresql_is_unreachable() -> None:
    unreachable = create_engine_for("postgresql://postgres@127.0.0.1:1/none")
    started = time.monotonic()
    try:
        assert ping(unreachable) is False
    finally:
        unreachable.dispose()
    assert time.monotonic() - started < 5


def test_ping_is_false_when_sqlite_cannot_open_the_file() -> None:
    broken = create_engine_for("sqlite:////nonexistent/directory/cohortbot.db")
    try:
        assert ping(broken) is False
    finally:
        broken.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@host:5432/db", "postgresql+psycopg://u:***@host:5432/db"),
        ("postgresql://u@host/db", "postgresql+psycopg://u@host/db"),
        ("postgresql+psycopg://u@host/db", "postgresql+psycopg://u@host/db"),
        ("sqlite:///cohortbot.db", "sqlite:///cohortbot.db"),
    ],
)
def test_urls_are_normalised_to_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=True) == expected


def test_sqlite_connections_have_foreign_keys_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/pragmas.db")
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("foreign_keys") == 1
            assert pragma("journal_mode") == "wal"
            assert int(str(pragma("busy_timeout"))) > 0
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_shared_by_threads() -> None:
    assert is_sqlite_memory(normalise_url("sqlite://"))
    engine = create_engine_for("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (42)")
        seen: list[object] = []

        def read() -> None:
            with make_session_factory(engine)() as session:
                seen.append(session.scalar(sa.text("SELECT x FROM t")))

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert seen == [42]
    finally:
        engine.dispose()


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_with_empty_tables_and_fresh_ids(
    db: sessionmaker[Session], run: str
) -> None:
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0
    assert make_programme(db, run).id == 1


def test_deleting_a_person_with_history_is_refused(db: sessionmaker[Session]) -> None:
    cohort = make_cohort(db)
    person = make_person(db)
    add_and_commit(db, Enrolment(person_id=person.id, cohort_id=cohort.id))

    with pytest.raises(IntegrityError), unit_of_work(db) as session:
        loaded = session.get_one(Person, person.id)
        assert len(loaded.enrolments) == 1  # loaded, yet the ORM must not null them out
        session.delete(loaded)


@pytest.mark.postgres_only
def test_timestamps_are_timestamptz_on_postgresql(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        data_type = connection.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'audit_event' AND column_name = 'at'"
        ).scalar()
    assert data_type == "timestamp with time zone"


def test_timestamps_are_stored_as_utc(db: sessionmaker[Session]) -> None:
    add_and_commit(
        db,
        AuditEvent(
            at=datetime(2024, 7, 1, 10, 0, tzinfo=LONDON),
            actor="system",
            action="a",
            entity_type="t",
            entity_id="1",
        ),
    )
    with db() as session:
        raw = session.execute(sa.text("SELECT at FROM audit_event")).scalar_one()
        backend = session.get_bind().dialect.name

    if backend == "sqlite":
        # Fixed-width UTC text, so comparing strings compares instants.
        assert raw == "2024-07-01 09:00:00.000000"
    else:
        assert raw == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
