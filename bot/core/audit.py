"""The audit trail: every change of programme data says who, when, what, before and after.

The trail is append-only in the database (triggers in migration 0006 refuse UPDATE and DELETE
on `audit_event`, on SQLite and PostgreSQL), yet erasure must be able to take a person's values
out of it. Of the two designs (entries that hold only references and non-personal values, or
personal values encrypted under a per-person key that erasure destroys) this uses the first:

- an event about a record linked to a person (`db.personal.person_linked_tables()`: a person,
  their enrolments, applications, assessments, outcomes, leave, ...) keeps in `audit_event` only
  references: the action, the record's type and id, the actor's Slack id and the time. Its
  before and after values go to `audit_personal_value`, one row per event, which the database
  lets erasure delete; `values_of` reads them back while they exist;
- so does an event about a row naming a person by Slack id (`db.personal.SLACK_ID_COLUMNS`: a
  role grant, an unreachable recipient), whose values hold that id;
- events about programme data (programmes, cohorts, rounds, policies) keep their values inline;
- reads are recorded with a reference to what was read (`cohort:3`) and a row count only;
- people are never named by their Slack id, as the actor or as the record (an unreachable
  recipient is keyed by Slack id): they are `someone:<n>`, a row of `audit_pseudonym` that holds
  the Slack id. Erasure deletes that row, so the events a person did, or that were about them,
  no longer lead to anyone (`actor_of` then answers None).

Why not encryption: it needs key management (a key store that is itself erasable, and backups of
the database that keep old keys), a new dependency, and it makes every audit value unreadable to
a database query; splitting the values out gives the same guarantee (after erasure nothing
personal is left in the trail) with plain SQL. What an erased person's events keep is what
accountability needs: that something happened to record N, by whom, and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import AuditEvent, AuditPersonalValue, AuditPseudonym
from db.personal import (
    PSEUDONYM_PREFIX,
    SLACK_USER_ID,
    about_people_by_slack_id,
    person_linked_tables,
    table_of_class,
)


def pseudonym(session: Session, actor: str) -> str:
    """How the trail names `actor`: `someone:<n>` for a Slack user (made on first use), else as is."""
    named = existing_pseudonym(session, actor)
    if named is None:
        # Two web processes may meet the same new person at once: whichever inserts first wins
        # and the other reads its row.
        insert = (postgresql.insert if _postgres(session) else sqlite.insert)(AuditPseudonym)
        session.execute(
            insert.values(slack_user_id=actor).on_conflict_do_nothing(
                index_elements=[AuditPseudonym.slack_user_id]
            )
        )
        named = existing_pseudonym(session, actor)
    assert named is not None, "the pseudonym was just inserted or found"
    return named


def existing_pseudonym(session: Session, actor: str) -> str | None:
    """The trail's name for `actor` if it has one (a person never audited, or erased, has none)."""
    if not SLACK_USER_ID.fullmatch(actor):
        return actor
    found = _pseudonym_id(session, actor)
    return None if found is None else f"{PSEUDONYM_PREFIX}{found}"


def actor_of(session: Session, event: AuditEvent) -> str | None:
    """Who did it: a Slack user id or a non-personal actor; None once that person was erased."""
    if not event.actor.startswith(PSEUDONYM_PREFIX):
        return event.actor
    number = event.actor.removeprefix(PSEUDONYM_PREFIX)
    if not number.isdigit():
        return None
    return session.scalar(
        sa.select(AuditPseudonym.slack_user_id).where(AuditPseudonym.id == int(number))
    )


def _pseudonym_id(session: Session, slack_user_id: str) -> int | None:
    return session.scalar(
        sa.select(AuditPseudonym.id).where(AuditPseudonym.slack_user_id == slack_user_id)
    )


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> AuditEvent:
    """Add an audit event for a change to `entity` (a mapped object with an `id`)."""
    personal = _about_a_person(type(entity).__name__)
    entity_id = str(entity.id)
    event = AuditEvent(
        at=now,
        actor=pseudonym(session, actor),
        action=action,
        entity_type=type(entity).__name__,
        entity_id=pseudonym(session, entity_id) if personal else entity_id,
        before=None if personal else before,
        after=None if personal else after,
    )
    session.add(event)
    if personal and (before is not None or after is not None):
        session.flush()
        session.add(AuditPersonalValue(audit_event_id=event.id, before=before, after=after))
    return event


def _about_a_person(entity_type: str) -> bool:
    table = table_of_class(entity_type)
    return table is not None and (
        table.name in person_linked_tables() or table.name in about_people_by_slack_id()
    )


def values_of(
    session: Session, event: AuditEvent
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The event's before and after values, wherever they are kept (none once erased)."""
    if event.before is not None or event.after is not None:
        return event.before, event.after
    kept = session.get(AuditPersonalValue, event.id)
    return (kept.before, kept.after) if kept is not None else (None, None)


READ_PREFIX = "read."


def record_read(
    session: Session, *, actor: str, what: str, scope: str, rows: int, now: datetime
) -> AuditEvent:
    """Add an audit event for a view or export of personal data: who, what, when, how many rows.

    `scope` names what was read by reference ("cohort:3", "session:12", "all"), never by value.
    """
    event = AuditEvent(
        at=now,
        actor=pseudonym(session, actor),
        action=READ_PREFIX + what,
        entity_type="read",
        entity_id=scope[:64],
        before=None,
        after={"rows": rows},
    )
    session.add(event)
    return event


ERASURE_ACTION = "person.erased"


def record_erasure(session: Session, *, actor: str, now: datetime) -> AuditEvent:
    """Add an audit event saying an erasure happened, by whom and when, and nothing of whom.

    The event names no record and holds no values: which person was erased would itself say
    something about them (that they asked, that they were here).
    """
    event = AuditEvent(
        at=now,
        actor=pseudonym(session, actor),
        action=ERASURE_ACTION,
        entity_type="erasure",
        entity_id="-",
        before=None,
        after=None,
    )
    session.add(event)
    return event
