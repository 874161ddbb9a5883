"""Erasure as a service: nothing personal left anywhere in the database, the rest left alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import ERASURE_ACTION, actor_of
from bot.core.errors import NotFound
from bot.privacy.erasure import erase_person, preview_erasure
from bot.privacy.erasure_rules import ERASED_NAME, ERASURE_RULES, MENTION_RULES, SLACK_ID_RULES
from bot.privacy.records import reachable_tables
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import AuditEvent, AuditPersonalValue, EvaluationAnswer, OutboundMessage, Person
from db.personal import SLACK_ID_COLUMNS, person_linked_tables
from tests.privacy.canary import COORDINATOR, build, canary_cells
from tests.reporting.digest_dataset import NOW


def test_every_table_linked_to_a_person_has_an_erasure_rule() -> None:
    owned, mentions = reachable_tables()
    assert owned <= ERASURE_RULES.keys()
    assert mentions <= MENTION_RULES.keys()
    assert {table for table, _ in SLACK_ID_COLUMNS} <= SLACK_ID_RULES.keys()
    covered = owned | {table for table, _ in mentions}
    assert person_linked_tables() <= covered


def test_erasure_leaves_nothing_personal_in_any_table(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
    with unit_of_work(db) as session:
        before = {table for table, _, _ in canary_cells(session)}
        events_before = session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0
        erase_person(session, person_id=canary.person_id, actor=COORDINATOR, now=NOW)
    # The canary was everywhere the issue lists, so the test can fail.
    assert {
        "person",
        "application",
        "application_status_change",
        "enrolment",
        "invitation",
        "coaching_session",
        "assessment_result",
        "outcome",
        "evaluation_answer",
        "evaluation_draft",
        "commitment_follow_up",
        "outbound_message",
        "audit_personal_value",
        "role_grant",
        "unreachable_recipient",
        "audit_pseudonym",
    } <= before
    with unit_of_work(db) as session:
        # Only the unlinked labels the diversity tables count (no link to anyone) stay.
        left = canary_cells(session)
        assert {(table, column) for table, column, _ in left} == {
            ("erased_diversity_profile", "gender"),
            ("erased_diversity_profile", "ethnicity"),
        }
        person = session.get_one(Person, canary.person_id)
        assert (person.name, person.email, person.slack_user_id) == (ERASED_NAME, None, None)
        assert person.erased_at == NOW
        other = session.get_one(Person, canary.other_person_id)
        assert other.name == "Olive Other"
        # The rating stays (it is counted), the free text went.
        answers = session.scalars(sa.select(EvaluationAnswer)).all()
        assert sorted(str((a.value_number, a.value_text)) for a in answers) == [
            "(5, None)",
            "(None, None)",
        ]
        named = session.scalar(
            sa.select(OutboundMessage).where(OutboundMessage.idempotency_key == "named")
        )
        assert named is not None
        assert named.payload["text"].startswith("erased person (<@erased person>) withdrew")
        assert "Quentinella stayed" in named.payload["text"]
        dm = session.scalar(
            sa.select(OutboundMessage).where(
                OutboundMessage.kind == "test", OutboundMessage.recipient == "erased"
            )
        )
        assert dm is not None and dm.state == OutboundState.CANCELLED
        events = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len(events) == events_before + 1
        erasure = events[-1]
        assert (erasure.action, actor_of(session, erasure), erasure.at) == (
            ERASURE_ACTION,
            COORDINATOR,
            NOW,
        )
        assert (erasure.entity_id, erasure.before, erasure.after) == ("-", None, None)
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditPersonalValue)) == 0
        # What they did is still in the trail, by a pseudonym that now leads nowhere.
        (rsvp,) = [event for event in events if event.action == "invitation.rsvp"]
        assert rsvp.actor.startswith("someone:") and actor_of(session, rsvp) is None


def test_the_preview_lists_what_will_go_and_changes_nothing(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
    with unit_of_work(db) as session:
        preview = preview_erasure(session, person_id=canary.person_id)
    goes = "\n".join(preview.goes)
    for expected in (
        "profile",
        "diversity answers",
        "leave reasons",
        "coaching notes",
        "free-text answers",
        "outbox",
        "audit trail",
        "their roles",
    ):
        assert expected in goes
    with unit_of_work(db) as session:
        assert canary_cells(session) != []


def test_an_erased_person_cannot_be_erased_again(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
        erase_person(session, person_id=canary.person_id, actor=COORDINATOR, now=NOW)
    with unit_of_work(db) as session, pytest.raises(NotFound):
        erase_person(session, person_id=canary.person_id, actor=COORDINATOR, now=NOW)
