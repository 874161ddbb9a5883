"""Career outcome rules: who may record what, confirmation, rejection and the digest's query."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import values_of
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.roles import grant_role
from bot.reporting import outcomes
from bot.reporting.outcomes import OutcomeEntry
from bot.slack.ids.outcomes import ActionId, Field
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutcomeKind, Role
from db.models import AuditEvent, Enrolment, OutboundMessage, Outcome, Person
from tests.support.programmes import make_cohort, make_person

NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
COORDINATOR = "UCOORD01"
SECOND_COORDINATOR = "UCOORD02"
COORDINATING = {Role.COORDINATOR}
PARTICIPANT = "UPART001"
OTHER = "UPART002"
NEW_ROLE = OutcomeEntry(
    kind=OutcomeKind.INTERIM_DIRECTOR,
    started_on=date(2017, 1, 16),
    role_title="Interim Director of Nursing",
    organisation="Leeds Teaching Hospitals",
    note="Six months, may become permanent",
)


@pytest.fixture
def cohort_ids(db: sessionmaker[Session]) -> list[int]:
    """Two cohorts: the participant (completed) in the first, another participant in the second."""
    with unit_of_work(db) as session:
        first = make_cohort(session)
        second = make_cohort(session, programme="Aspiring Directors North")
        make_person(
            session,
            first,
            "Pat Participant",
            slack_user_id=PARTICIPANT,
            status=EnrolmentStatus.COMPLETED,
        )
        make_person(session, second, "Olly Other", slack_user_id=OTHER)
        for coordinator in (COORDINATOR, SECOND_COORDINATOR):
            grant_role(
                session, slack_user_id=coordinator, role=Role.COORDINATOR, actor="U0", now=NOW
            )
        return [first.id, second.id]


def report(
    session: Session,
    *,
    subject: str = PARTICIPANT,
    actor: str = PARTICIPANT,
    roles: set[Role] | None = None,
    entry: OutcomeEntry = NEW_ROLE,
) -> Outcome:
    return outcomes.record_outcome(
        session, subject=subject, actor=actor, roles=roles or set(), entry=entry, now=NOW
    )


def dms(session: Session) -> list[tuple[str, str]]:
    return [
        (row.recipient, row.kind)
        for row in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
    ]


def test_a_coordinators_record_counts_at_once_and_nobody_is_messaged(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        outcome = report(session, actor=COORDINATOR, roles=COORDINATING)
        assert (outcome.confirmed_by, outcome.confirmed_at, outcome.reported_by) == (
            COORDINATOR,
            NOW,
            COORDINATOR,
        )
        assert outcome.enrolment is not None and outcome.enrolment.cohort_id == cohort_ids[0]
        assert dms(session) == []
        assert (
            session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()[-1]
            == "outcome.record"
        )


def test_a_participants_report_waits_and_every_coordinator_is_asked_to_confirm(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        outcome = report(session)
        assert (outcome.confirmed_by, outcome.confirmed_at) == (None, None)
        assert dms(session) == [
            (COORDINATOR, "outcome_reported"),
            (SECOND_COORDINATOR, "outcome_reported"),
        ]
        message = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).first()
        assert message is not None
        assert (
            f"<@{PARTICIPANT}>: Interim director role, *Interim Director of Nursing* at Leeds "
            "Teaching Hospitals, from Mon 16 Jan 2017" in message.payload["text"]
        )
        buttons = message.payload["blocks"][1]["elements"]
        assert [(b["action_id"], b["value"]) for b in buttons] == [
            (ActionId.CONFIRM, str(outcome.id)),
            (ActionId.REJECT, str(outcome.id)),
        ]
        assert outcomes.confirmed_outcomes(session) == []


def test_a_participant_cannot_report_for_someone_else(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with pytest.raises(PermissionDenied, match="only report your own"), unit_of_work(db) as session:
        report(session, subject=OTHER)
    with unit_of_work(db) as session:
        assert session.scalars(select(Outcome)).all() == []


def test_someone_never_on_a_programme_has_no_outcome_to_record(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        session.add(Person(slack_user_id="UNEW0001", name="Newcomer"))
    with (
        pytest.raises(NotFound, match="You have not been on a programme"),
        unit_of_work(db) as session,
    ):
        report(session, subject="UNEW0001", actor="UNEW0001")


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        (OutcomeEntry(kind=None, started_on=date(2017, 1, 16)), Field.KIND, "what kind"),
        (
            OutcomeEntry(kind=OutcomeKind.SECONDMENT, started_on=None),
            Field.STARTED_ON,
            "Pick the date",
        ),
        (
            OutcomeEntry(kind=OutcomeKind.SECONDMENT, started_on=date(2018, 2, 3), role_title="X"),
            Field.STARTED_ON,
            "more than a year away",
        ),
        (
            OutcomeEntry(kind=OutcomeKind.SECONDMENT, started_on=date(2017, 1, 16)),
            Field.ROLE_TITLE,
            "role title",
        ),
        (
            OutcomeEntry(
                kind=OutcomeKind.SECONDMENT, started_on=date(2017, 1, 16), role_title="x" * 201
            ),
            Field.ROLE_TITLE,
            "200 characters",
        ),
    ],
)
def test_mistakes_are_refused_on_their_field(
    db: sessionmaker[Session],
    cohort_ids: list[int],
    entry: OutcomeEntry,
    field: Field,
    message: str,
) -> None:
    with pytest.raises(InvalidInput, match=message) as raised, unit_of_work(db) as session:
        report(session, entry=entry)
    assert raised.value.field == field


def test_leaving_the_service_needs_no_role_title_and_a_repeat_is_refused(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    left = OutcomeEntry(kind=OutcomeKind.LEFT_SERVICE, started_on=date(2018, 2, 1))
    with unit_of_work(db) as session:
        assert report(session, entry=left).role_title is None
    with pytest.raises(InvalidInput, match="already recorded"), unit_of_work(db) as session:
        report(session, entry=left, actor=COORDINATOR, roles=COORDINATING)


def test_only_coordinators_confirm_and_the_participant_is_told(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        outcome_id = report(session).id

    for roles in (set(), {Role.COACH}, {Role.STEERING}):
        with pytest.raises(PermissionDenied), unit_of_work(db) as session:
            outcomes.confirm_outcome(
                session, outcome_id=outcome_id, actor=PARTICIPANT, roles=roles, now=NOW
            )
    with unit_of_work(db) as session:
        outcomes.confirm_outcome(
            session, outcome_id=outcome_id, actor=SECOND_COORDINATOR, roles=COORDINATING, now=NOW
        )
    with unit_of_work(db) as session:
        outcome = session.get(Outcome, outcome_id)
        assert outcome is not None
        assert (outcome.confirmed_by, outcome.confirmed_at) == (SECOND_COORDINATOR, NOW)
        assert dms(session)[-1] == (PARTICIPANT, "outcome_confirmed")
        told = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc())).first()
        assert told is not None and "Your new role is confirmed" in told.payload["text"]
        (counted,) = outcomes.confirmed_outcomes(session)
        assert (counted.outcome_id, counted.cohort_id, counted.kind) == (
            outcome_id,
            cohort_ids[0],
            OutcomeKind.INTERIM_DIRECTOR,
        )
    with pytest.raises(InvalidInput, match="already confirmed"), unit_of_work(db) as session:
        outcomes.confirm_outcome(
            session, outcome_id=outcome_id, actor=COORDINATOR, roles=COORDINATING, now=NOW
        )


def test_confirming_twice_says_who_confirmed_it_in_words_not_markup(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    # Errors are shown escaped, so a <@mention> in one would reach the coordinator as raw text.
    with unit_of_work(db) as session:
        outcome_id = report(session).id
        session.add(Person(name="Chris Coordinator", slack_user_id=SECOND_COORDINATOR))
    with unit_of_work(db) as session:
        outcomes.confirm_outcome(
            session, outcome_id=outcome_id, actor=SECOND_COORDINATOR, roles=COORDINATING, now=NOW
        )

    with pytest.raises(InvalidInput) as raised, unit_of_work(db) as session:
        outcomes.confirm_outcome(
            session, outcome_id=outcome_id, actor=COORDINATOR, roles=COORDINATING, now=NOW
        )

    assert str(raised.value) == "That new role was already confirmed by Chris Coordinator."


def test_a_rejection_needs_a_reason_removes_the_report_and_tells_the_participant(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        outcome_id = report(session).id

    with pytest.raises(InvalidInput, match="Say why") as raised, unit_of_work(db) as session:
        outcomes.reject_outcome(
            session,
            outcome_id=outcome_id,
            actor=COORDINATOR,
            roles=COORDINATING,
            reason=" ",
            now=NOW,
        )
    assert raised.value.field == Field.REASON
    with pytest.raises(PermissionDenied), unit_of_work(db) as session:
        outcomes.reject_outcome(
            session, outcome_id=outcome_id, actor=OTHER, roles=set(), reason="no", now=NOW
        )
    with unit_of_work(db) as session:
        outcomes.reject_outcome(
            session,
            outcome_id=outcome_id,
            actor=COORDINATOR,
            roles=COORDINATING,
            reason="That is a <b>sideways</b> move",
            now=NOW,
        )
    with unit_of_work(db) as session:
        assert session.get(Outcome, outcome_id) is None
        assert dms(session)[-1] == (PARTICIPANT, "outcome_rejected")
        told = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc())).first()
        assert told is not None
        assert "Their reason: That is a &lt;b&gt;sideways&lt;/b&gt; move" in told.payload["text"]
        audit = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert audit is not None
        assert (audit.action, values_of(session, audit)[1]) == (
            "outcome.reject",
            {"rejected_because": "That is a <b>sideways</b> move"},
        )


def test_an_outcome_is_credited_to_the_place_they_took_up_not_a_later_waiting_one(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    # Pat completed the first cohort, then joined the second's waiting list.
    with unit_of_work(db) as session:
        pat = session.scalars(select(Person).where(Person.slack_user_id == PARTICIPANT)).one()
        completed = pat.enrolments[0].id
        session.add(
            Enrolment(
                person=pat,
                cohort_id=cohort_ids[1],
                status=EnrolmentStatus.WAITING,
                waiting_position=1,
            )
        )
    with unit_of_work(db) as session:
        outcome = report(session, actor=COORDINATOR, roles=COORDINATING)

        assert outcome.enrolment_id == completed
        (counted,) = outcomes.confirmed_outcomes(session)
        assert counted.cohort_id == cohort_ids[0]


def test_confirmed_outcomes_are_filtered_by_cohort(
    db: sessionmaker[Session], cohort_ids: list[int]
) -> None:
    with unit_of_work(db) as session:
        report(session, actor=COORDINATOR, roles=COORDINATING)
        report(session, subject=OTHER, actor=COORDINATOR, roles=COORDINATING)
        report(
            session,
            subject=OTHER,
            actor=OTHER,
            entry=OutcomeEntry(
                kind=OutcomeKind.SECONDMENT, started_on=date(2017, 1, 2), role_title="Secondee"
            ),
        )

        assert [o.cohort_id for o in outcomes.confirmed_outcomes(session)] == cohort_ids
        only_second = outcomes.confirmed_outcomes(session, cohort_ids=[cohort_ids[1]])
        assert [(o.cohort_id, o.kind) for o in only_second] == [
            (cohort_ids[1], OutcomeKind.INTERIM_DIRECTOR)
        ]
        confirmed, awaiting = outcomes.split_lines(outcomes.outcome_lines(session))
        assert (len(confirmed), [line.role_title for line in awaiting]) == (2, ["Secondee"])
