"""The database itself refuses to change or delete audit rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import actor_of, record_change, values_of
from db.append_only import REFUSAL
from db.engine import unit_of_work
from db.models import AuditEvent, AuditPersonalValue, Person, Programme

NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)


def one_event(db: sessionmaker[Session]) -> int:
    with unit_of_work(db) as session:
        programme = Programme(name="Aspiring Directors")
        session.add(programme)
        session.flush()
        event = record_change(
            session,
            actor="UCOORD01",
            action="programme.create",
            entity=programme,
            before=None,
            after={"name": "Aspiring Directors"},
            now=NOW,
        )
        session.flush()
        return event.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else'",
        "UPDATE audit_event SET after = NULL",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(
    statement: str, db: sessionmaker[Session]
) -> None:
    one_event(db)

    with pytest.raises(sa.exc.DatabaseError, match="append-only"), unit_of_work(db) as session:
        session.execute(sa.text(statement))

    with unit_of_work(db) as session:
        event = session.scalars(sa.select(AuditEvent)).one()
        assert (actor_of(session, event), event.after) == (
            "UCOORD01",
            {"name": "Aspiring Directors"},
        )


@pytest.mark.postgres_only
def test_postgres_refuses_truncating_the_audit_trail(db: sessionmaker[Session]) -> None:
    one_event(db)

    with pytest.raises(sa.exc.DatabaseError, match="append-only"), unit_of_work(db) as session:
        session.execute(sa.text("TRUNCATE audit_event, audit_personal_value"))


def test_an_event_about_a_person_keeps_references_inline_and_values_apart(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        person = Person(name="Pat Participant")
        session.add(person)
        session.flush()
        record_change(
            session,
            actor="UCOORD01",
            action="person.update",
            entity=person,
            before={"name": "Pat"},
            after={"name": "Pat Participant"},
            now=NOW,
        )

    with unit_of_work(db) as session:
        event = session.scalars(sa.select(AuditEvent)).one()
        assert (event.entity_type, event.before, event.after) == ("Person", None, None)
        assert values_of(session, event) == ({"name": "Pat"}, {"name": "Pat Participant"})
        # Erasure can take the values out, though the event itself cannot change.
        session.execute(sa.delete(AuditPersonalValue))
    with unit_of_work(db) as session:
        event = session.scalars(sa.select(AuditEvent)).one()
        assert values_of(session, event) == (None, None)
        assert event.action == "person.update"


def test_the_refusal_names_the_table() -> None:
    assert "audit_event" in REFUSAL
