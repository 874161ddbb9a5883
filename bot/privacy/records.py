"""Every row held about one person, found by walking the schema's foreign keys from `person`.

A row belongs to a person when one of its foreign keys points at a row that does: their
enrolments, those enrolments' invitations, a named evaluation response's answers, and so on.
A nullable link straight to `person` (a session's facilitator, an enrolment's coach) is a
mention, not ownership: the row is someone else's that names them. Slack ids are the other
way rows name a person (role grants, the outbox, unreachable recipients), listed here by column.
Erasure and subject access both read this, so a table added to the schema is covered at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.core.audit import existing_pseudonym
from db.models import AuditEvent, AuditPersonalValue, Base, Person
from db.personal import PERSON_TABLE, SLACK_ID_COLUMNS

Key = tuple[Any, ...]


@dataclass
class PersonRecords:
    """The person's rows by table (keyed by primary key), and the rows that mention them."""

    person_id: int
    slack_user_id: str | None
    owned: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    mentions: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The person's rows in `table`, in key order."""
        found = self.owned.get(table, {})
        return [found[key] for key in sorted(found, key=_sortable)]

    def keys(self, table: str) -> list[Key]:
        """The primary keys of the person's rows in `table`."""
        return sorted(self.owned.get(table, {}), key=_sortable)

    def count(self) -> int:
        """How many rows are held about the person, theirs or mentioning them."""
        return sum(len(rows) for rows in self.owned.values()) + sum(
            len(rows) for rows in self.mentions.values()
        )


def _sortable(key: Key) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in key)


def is_mention(fk: sa.ForeignKey) -> bool:
    """Whether `fk` is an optional link straight to a person (it names them; the row is not theirs)."""
    return fk.column.table.name == PERSON_TABLE and bool(fk.parent.nullable)


def _key(table: sa.Table, row: sa.RowMapping) -> Key:
    return tuple(row[column.name] for column in table.primary_key.columns)


def records_of(session: Session, person_id: int) -> PersonRecords:
    """Every row that is the person's, and every row that mentions them (by link or Slack id)."""
    session.flush()
    person_table = Base.metadata.tables[PERSON_TABLE]
    person = (
        session.execute(sa.select(person_table).where(person_table.c.id == person_id))
        .mappings()
        .one()
    )
    records = PersonRecords(person_id=person_id, slack_user_id=person["slack_user_id"])
    records.owned[PERSON_TABLE] = {(person_id,): dict(person)}
    # Each pass follows links only from rows found by the one before, until none are new.
    fresh: dict[str, dict[Key, dict[str, Any]]] = {PERSON_TABLE: records.owned[PERSON_TABLE]}
    while fresh:
        found: dict[str, dict[Key, dict[str, Any]]] = {}
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if is_mention(fk) or parent not in fresh:
                    continue
                values = sorted({row[fk.column.name] for row in fresh[parent].values()})
                held = records.owned.setdefault(table.name, {})
                for start in range(0, len(values), 500):
                    query = sa.select(table).where(fk.parent.in_(values[start : start + 500]))
                    for row in session.execute(query).mappings():
                        key = _key(table, row)
                        if key not in held:
                            held[key] = dict(row)
                            found.setdefault(table.name, {})[key] = held[key]
        fresh = found
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if is_mention(fk):
                _add_mentions(session, records, table, fk.parent == person_id)
    if records.slack_user_id:
        for table_name, column in SLACK_ID_COLUMNS:
            table = Base.metadata.tables[table_name]
            _add_mentions(session, records, table, table.c[column] == records.slack_user_id)
    records.owned = {name: rows for name, rows in records.owned.items() if rows}
    return records


def _add_mentions(
    session: Session, records: PersonRecords, table: sa.Table, condition: sa.ColumnElement[bool]
) -> None:
    owned = records.owned.get(table.name, {})
    for row in session.execute(sa.select(table).where(condition)).mappings():
        if _key(table, row) not in owned:
            records.mentions.setdefault(table.name, {})[_key(table, row)] = dict(row)


def class_names() -> dict[str, str]:
    """Mapped class name by table name: what the audit trail calls a record's type."""
    names: dict[str, str] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if isinstance(table, sa.Table):
            names[table.name] = mapper.class_.__name__
    return names


def audit_events_about(session: Session, records: PersonRecords) -> list[AuditEvent]:
    """Audit events about the person's own records, and about rows naming them by Slack id."""
    names = class_names()
    wanted: dict[str, set[str]] = {}
    for table, rows in records.owned.items():
        if table in names and len(next(iter(rows))) == 1:
            wanted.setdefault(names[table], set()).update(str(key[0]) for key in rows)
    for table, column in SLACK_ID_COLUMNS:
        for key, row in records.mentions.get(table, {}).items():
            if records.slack_user_id is not None and row.get(column) == records.slack_user_id:
                # A row keyed by the Slack id itself is named in the trail by its pseudonym.
                named = existing_pseudonym(session, str(key[0]))
                if named is not None:
                    wanted.setdefault(names[table], set()).add(named)
    events: list[AuditEvent] = []
    for entity_type, ids in sorted(wanted.items()):
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            events += session.scalars(
                sa.select(AuditEvent).where(
                    AuditEvent.entity_type == entity_type,
                    AuditEvent.entity_id.in_(id_list[start : start + 500]),
                )
            )
    return sorted(events, key=lambda event: event.id)


def audit_events_by(session: Session, records: PersonRecords) -> list[AuditEvent]:
    """Audit events of what the person did (they are the actor)."""
    if records.slack_user_id is None:
        return []
    named = existing_pseudonym(session, records.slack_user_id)
    if named is None:
        return []
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.actor == named)))


def personal_values_of(session: Session, events: list[AuditEvent]) -> list[AuditPersonalValue]:
    """The erasable values of `events`."""
    ids = [event.id for event in events]
    values: list[AuditPersonalValue] = []
    for start in range(0, len(ids), 500):
        values += session.scalars(
            sa.select(AuditPersonalValue).where(
                AuditPersonalValue.audit_event_id.in_(ids[start : start + 500])
            )
        )
    return values


def find_person(session: Session, person_id: int) -> Person | None:
    """The person, unless already erased."""
    person = session.get(Person, person_id)
    return None if person is None or person.erased_at is not None else person


def reachable_tables() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """From the schema alone: the tables `records_of` can find a person's rows in, and the
    (table, column) pairs that mention a person (optional links straight to `person`)."""
    owned = {PERSON_TABLE}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            if table.name not in owned and any(
                fk.column.table.name in owned and not is_mention(fk) for fk in table.foreign_keys
            ):
                owned.add(table.name)
                changed = True
    mentions = {
        (table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if is_mention(fk)
    }
    return frozenset(owned), frozenset(mentions)
