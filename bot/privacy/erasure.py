"""Erasure: everything personal about a person is removed or irreversibly anonymised.

The person's rows are found by `bot.privacy.records` and each table has a rule in
`bot.privacy.erasure_rules` (a test checks every table the schema links to a person has one). Rows
that figures count (enrolments, invitations, grades, outcome kinds, named evaluation ratings) stay,
stripped of what names or describes the person, so the digest computed before and after an erasure
agrees: the person counts as an anonymous unit. Free text, contact details, diversity answers and
notes go.

Diversity answers are special-category data, yet the digest counts them: the person's
contribution to each programme's diversity tables moves to `ErasedDiversityProfile` (labels
only, no link back, a random id) before the answers are removed.

The audit trail keeps one event saying an erasure happened, by whom and when (`record_erasure`),
and loses the values of every event about the person's records (`audit_personal_value`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.core.audit import record_erasure
from bot.core.errors import NotFound
from bot.privacy.erasure_rules import (
    ERASED_NAME,
    ERASED_RECIPIENT,
    ERASURE_RULES,
    MENTION_RULES,
    SLACK_ID_RULES,
    Erasing,
    Rule,
)
from bot.privacy.records import (
    PersonRecords,
    audit_events_about,
    find_person,
    personal_values_of,
    records_of,
)
from bot.reporting.digest import rows as digest_rows
from bot.reporting.digest.diversity_figures import profiles
from db.models import AuditPersonalValue, Base, Cohort, ErasedDiversityProfile, OutboundMessage


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure of the person will remove, for the confirmation modal."""

    person_id: int
    name: str
    goes: tuple[str, ...]
    audit_values: int


def _mention_rule(
    table: str, row: dict[str, Any], e_slack: str | None, person_id: int
) -> Rule | None:
    for (name, column), rule in MENTION_RULES.items():
        if name == table and row.get(column) == person_id:
            return rule
    if table in SLACK_ID_RULES and e_slack is not None:
        return SLACK_ID_RULES[table]
    return None


def _plan(records: PersonRecords) -> list[tuple[Rule, str, list[tuple[Any, ...]]]]:
    """Each rule to apply, to which table's rows."""
    plan: list[tuple[Rule, str, list[tuple[Any, ...]]]] = []
    for table in Base.metadata.sorted_tables:
        keys = records.keys(table.name)
        if keys:
            plan.append((ERASURE_RULES[table.name], table.name, keys))
        mentioned: dict[int, tuple[Rule, list[tuple[Any, ...]]]] = {}
        for key, row in sorted(records.mentions.get(table.name, {}).items()):
            rule = _mention_rule(table.name, row, records.slack_user_id, records.person_id)
            if rule is not None:
                mentioned.setdefault(id(rule), (rule, []))[1].append(key)
        plan += [(rule, table.name, found) for rule, found in mentioned.values()]
    return plan


def preview_erasure(session: Session, *, person_id: int) -> ErasurePreview:
    """What erasing the person would remove; NotFound if there is no such (unerased) person."""
    person = find_person(session, person_id)
    if person is None:
        raise NotFound("That person has already been erased, or was never known to me.")
    records = records_of(session, person_id)
    goes = [f"{rule.goes} ({_rows(len(keys))})" for rule, _, keys in _plan(records) if rule.goes]
    values = personal_values_of(session, audit_events_about(session, records))
    named = len(_naming_messages(session, person.name, person.email, records))
    if named:
        goes.append(f"their name in messages to others in the outbox ({_rows(named)})")
    if values:
        goes.append(f"values in the audit trail about their records ({_rows(len(values))})")
    return ErasurePreview(
        person_id=person_id, name=person.name, goes=tuple(goes), audit_values=len(values)
    )


def _rows(count: int) -> str:
    return f"{count} record{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did."""

    records: int
    audit_values: int
    # Their Slack account as it was, so the caller can clear what Slack still shows them.
    slack_user_id: str | None = None


def erase_person(session: Session, *, person_id: int, actor: str, now: datetime) -> ErasureResult:
    """Erase everything personal about the person, in the caller's transaction."""
    person = find_person(session, person_id)
    if person is None:
        raise NotFound("That person has already been erased, or was never known to me.")
    records = records_of(session, person_id)
    erasing = Erasing(records=records, name=person.name, email=person.email, actor=actor, now=now)
    _keep_diversity_counts(session, person_id)
    events = audit_events_about(session, records)
    named = _naming_messages(session, person.name, person.email, records)
    for rule, table_name, keys in _plan(records):
        rule.apply(session, Base.metadata.tables[table_name], keys, erasing)
    _scrub_naming_messages(session, named, erasing)
    if records.slack_user_id:
        _scrub_slack_id(session, records.slack_user_id)
    ids = [event.id for event in events]
    for start in range(0, len(ids), 500):
        session.execute(
            sa.delete(AuditPersonalValue).where(
                AuditPersonalValue.audit_event_id.in_(ids[start : start + 500])
            )
        )
    record_erasure(session, actor=actor, now=now)
    session.flush()
    session.expire_all()
    return ErasureResult(
        records=records.count(), audit_values=len(ids), slack_user_id=records.slack_user_id
    )


def actor_columns() -> list[sa.Column[Any]]:
    """Columns saying which Slack user did something (`recorded_by`, `changed_by`, ...).

    The audit trail's `actor` is not among them: the trail is append-only, and who did what is
    what accountability keeps (see the README's Data protection section).
    """
    return [
        column
        for table in Base.metadata.sorted_tables
        if table.name != "audit_event"
        for column in table.columns
        if column.name.endswith("_by") and isinstance(column.type, sa.String)
    ]


def _scrub_slack_id(session: Session, slack_user_id: str) -> None:
    """The person's Slack id leaves every record of what they did, and every outbox key."""
    for column in actor_columns():
        table = column.table
        if isinstance(table, sa.Table):
            session.execute(
                table.update()
                .where(column == slack_user_id)
                .values({column.name: ERASED_RECIPIENT})
            )
    # A key stays unique (it stops a message being owed twice) as the row's own id.
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.idempotency_key.contains(slack_user_id, autoescape=True))
        .values(idempotency_key=sa.literal("erased:") + sa.cast(OutboundMessage.id, sa.String))
    )


def _keep_diversity_counts(session: Session, person_id: int) -> None:
    """Move the person's place in each programme's diversity tables to an unlinked profile."""
    enrolment_programmes = sa.select(Cohort.programme_id).where(
        Cohort.id.in_(
            sa.select(Base.metadata.tables["enrolment"].c.cohort_id).where(
                Base.metadata.tables["enrolment"].c.person_id == person_id
            )
        )
    )
    application = Base.metadata.tables["application"]
    application_programmes = sa.select(application.c.programme_id).where(
        application.c.person_id == person_id
    )
    programme_ids = sorted(
        set(session.scalars(enrolment_programmes)) | set(session.scalars(application_programmes))
    )
    for programme_id in programme_ids:
        scope = digest_rows.load_scope(session, programme_id, None)
        participants = [
            row for row in digest_rows.load_enrolments(session, scope) if row.participant
        ]
        applications = digest_rows.load_applications(session, programme_id)
        applicants, members = profiles(
            [row for row in applications if not row.erased],
            [row for row in participants if row.enrolment.person.erased_at is None],
        )
        applied, joined = applicants.get(person_id), members.get(person_id)
        if applied is not None and applied == joined:
            _add_profile(session, programme_id, applied, applicant=True, participant=True)
            continue
        if applied is not None:
            _add_profile(session, programme_id, applied, applicant=True, participant=False)
        if joined is not None:
            _add_profile(session, programme_id, joined, applicant=False, participant=True)


def _add_profile(
    session: Session,
    programme_id: int,
    labels: dict[str, str],
    *,
    applicant: bool,
    participant: bool,
) -> None:
    session.add(
        ErasedDiversityProfile(
            programme_id=programme_id, applicant=applicant, participant=participant, **labels
        )
    )


def _needles(name: str, email: str | None, slack_user_id: str | None) -> list[str]:
    found = [needle for needle in (name.strip(), email, slack_user_id) if needle]
    return [needle for needle in found if len(needle) >= 3]


def _naming_messages(
    session: Session, name: str, email: str | None, records: PersonRecords
) -> list[OutboundMessage]:
    """Outbox messages to others whose text names the person (by name, address or Slack id)."""
    needles = _needles(name, email, records.slack_user_id)
    if not needles:
        return []
    own = {key[0] for key in records.owned.get("outbound_message", {})}
    own |= {key[0] for key in records.mentions.get("outbound_message", {})}
    text = sa.cast(OutboundMessage.payload, sa.Text)
    # JSON may store non-ASCII letters escaped: look for both spellings.
    spellings = {form for needle in needles for form in (needle, json.dumps(needle)[1:-1])}
    found = session.scalars(
        sa.select(OutboundMessage)
        .where(sa.or_(*(text.contains(form, autoescape=True) for form in spellings)))
        .order_by(OutboundMessage.id)
    )
    return [row for row in found if row.id not in own]


def _scrub_naming_messages(session: Session, rows: list[OutboundMessage], e: Erasing) -> None:
    patterns = [
        re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
        for needle in _needles(e.name, e.email, e.records.slack_user_id)
    ]

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            for pattern in patterns:
                value = pattern.sub(ERASED_NAME.lower(), value)
            return value
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        return value

    for row in rows:
        session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id == row.id)
            .values(payload=scrub(row.payload))
        )
