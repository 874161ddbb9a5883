"""Subject access: everything held about a person, as JSON and as an HTML page a person can read.

The rows come from `bot.privacy.records` (the schema's foreign keys walked from `person`), so a
table added to the schema is in the export at once. Rows of other people that name the person (a
session they facilitate, someone they coach) appear only as references: what names them, not the
other person's data. Anonymous evaluation answers are not linked to anyone and cannot be found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import actor_of, record_read, values_of
from bot.core.errors import NotFound
from bot.core.notice import Notice
from bot.core.render import TEMPLATE_DIR
from bot.core.timefmt import format_when
from bot.privacy.records import (
    PersonRecords,
    audit_events_about,
    audit_events_by,
    find_person,
    reachable_tables,
    records_of,
)
from db.personal import PERSON_TABLE, SLACK_ID_COLUMNS

SUBJECT_ACCESS_KIND = "subject_access"
READ_WHAT = "subject_access"

# What each table holds, for the readable page (a table not listed shows under its own name).
TITLES: dict[str, str] = {
    "person": "Profile",
    "application": "Applications",
    "application_status_change": "Application history",
    "enrolment": "Places in cohorts",
    "leave_period": "Time away",
    "invitation": "Session invitations, replies and attendance",
    "coaching_session": "Coaching sessions",
    "assessment_result": "Final assessments",
    "outcome": "Career outcomes",
    "evaluation_request": "Evaluations asked for",
    "evaluation_response": "Named evaluation responses",
    "evaluation_answer": "Answers to named evaluations",
    "evaluation_draft": "Unfinished evaluation answers",
    "commitment_follow_up": "Commitment follow-ups",
    "outbound_message": "Messages to them or about their places",
    "role_grant": "Roles",
    "unreachable_recipient": "Slack could not reach them",
    "audit_pseudonym": "Their pseudonym in the audit trail",
}


@dataclass(frozen=True)
class SubjectAccess:
    """Everything held about one person, ready to write out."""

    person_id: int
    name: str
    taken: datetime
    records: dict[str, list[dict[str, Any]]]
    mentioned_in: dict[str, list[dict[str, Any]]]
    audit_trail: list[dict[str, Any]]

    @property
    def rows(self) -> int:
        """How many records the export holds."""
        return (
            sum(len(rows) for rows in self.records.values())
            + sum(len(rows) for rows in self.mentioned_in.values())
            + len(self.audit_trail)
        )

    def as_json(self) -> str:
        """The machine-readable export."""
        document = {
            "person_id": self.person_id,
            "taken_at": self.taken.isoformat(),
            "records": self.records,
            "mentioned_in": self.mentioned_in,
            "audit_trail": self.audit_trail,
        }
        return json.dumps(document, indent=2, ensure_ascii=False, default=_plain)

    def as_html(self, tz: ZoneInfo) -> str:
        """The export as a page a person can read (every value HTML-escaped)."""
        parts = [_part(TITLES.get(table, table), rows) for table, rows in self.records.items()]
        parts += [
            _part(
                f"Named in others' records: {TITLES.get(table, table).lower()}",
                rows,
                note="Only which record names them, and how; the rest is someone else's.",
            )
            for table, rows in self.mentioned_in.items()
        ]
        if self.audit_trail:
            parts.append(_part("Audit trail of changes to their records", self.audit_trail))
        return (
            _environment()
            .get_template("privacy/subject_access.html.j2")
            .render(name=self.name, taken=format_when(self.taken, tz), rows=self.rows, parts=parts)
        )


@cache
def _environment() -> jinja2.Environment:
    # An HTML file, not Slack copy: here HTML auto-escaping is exactly what is wanted.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _part(title: str, rows: list[dict[str, Any]], note: str = "") -> dict[str, Any]:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return {
        "title": title,
        "note": note,
        "headers": headers,
        "rows": [[_cell(row.get(header)) for header in headers] for row in rows],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return str(_plain(value))


def _plain(value: Any) -> Any:
    """A value JSON can hold."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    return str(value)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) if not _native(value) else value for key, value in row.items()}


def _native(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | dict | list)


def _without_file_contents(row: dict[str, Any]) -> dict[str, Any]:
    """An outbox row with its attached files named but not inlined (they were sent to them)."""
    payload = row.get("payload")
    if isinstance(payload, dict) and isinstance(payload.get("files"), list):
        files = [
            {key: value for key, value in file.items() if not key.startswith("content")}
            for file in payload["files"]
            if isinstance(file, dict)
        ]
        row = {**row, "payload": {**payload, "files": files}}
    return row


def _mention_reference(table: str, row: dict[str, Any], records: PersonRecords) -> dict[str, Any]:
    _, mentions = reachable_tables()
    named_as = [
        column
        for mentioned, column in sorted(mentions)
        if mentioned == table and row.get(column) == records.person_id
    ]
    named_as += [
        column
        for mentioned, column in SLACK_ID_COLUMNS
        if mentioned == table and row.get(column) == records.slack_user_id
    ]
    key = row.get("id", row.get("recipient"))
    return {"record": f"{table}:{key}", "names_them_as": ", ".join(named_as)}


# Rows found by Slack id that are the person's own (their roles, their messages).
OWN_BY_SLACK_ID = frozenset(
    {"role_grant", "unreachable_recipient", "outbound_message", "audit_pseudonym"}
)


def gather(session: Session, *, person_id: int, now: datetime) -> SubjectAccess:
    """Everything held about the person; NotFound if there is no such (unerased) person."""
    person = find_person(session, person_id)
    if person is None:
        raise NotFound("That person has been erased, or was never known to me.")
    records = records_of(session, person_id)
    owned: dict[str, list[dict[str, Any]]] = {}
    for table in [PERSON_TABLE, *sorted(set(records.owned) - {PERSON_TABLE})]:
        owned[table] = [_jsonable(_without_file_contents(row)) for row in records.rows(table)]
    mentioned: dict[str, list[dict[str, Any]]] = {}
    for table, rows in sorted(records.mentions.items()):
        for key in sorted(rows, key=str):
            row = rows[key]
            if table in OWN_BY_SLACK_ID and records.slack_user_id in row.values():
                owned.setdefault(table, []).append(_jsonable(_without_file_contents(row)))
            else:
                mentioned.setdefault(table, []).append(_mention_reference(table, row, records))
    trail = []
    about = audit_events_about(session, records)
    done = {event.id for event in about}
    by_them = [event for event in audit_events_by(session, records) if event.id not in done]
    for event in sorted([*about, *by_them], key=lambda event: event.id):
        before, after = values_of(session, event)
        trail.append(
            {
                "at": event.at.isoformat(),
                "by": actor_of(session, event) or "someone since erased",
                "action": event.action,
                "record": f"{event.entity_type}:{event.entity_id}",
                "before": before,
                "after": after,
            }
        )
    return SubjectAccess(
        person_id=person_id,
        name=person.name,
        taken=now,
        records=owned,
        mentioned_in=mentioned,
        audit_trail=trail,
    )


def filenames(person_id: int, now: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """The JSON and HTML files' names: by person id, never by name (filenames show in Slack)."""
    stem = f"subject-access-{person_id}-{now.astimezone(tz):%Y-%m-%d}"
    return f"{stem}.json", f"{stem}.html"


def subject_access(
    session: Session, *, person_id: int, actor: str, now: datetime, tz: ZoneInfo
) -> tuple[SubjectAccess, list[outbox.Attachment]]:
    """The export and its two files, recorded in the audit trail as a read by `actor`."""
    export = gather(session, person_id=person_id, now=now)
    record_read(
        session, actor=actor, what=READ_WHAT, scope=f"person:{person_id}", rows=export.rows, now=now
    )
    json_name, html_name = filenames(person_id, now, tz)
    files = [
        outbox.Attachment(json_name, "Subject access export (JSON)", export.as_json()),
        outbox.Attachment(html_name, "Subject access export (readable)", export.as_html(tz)),
    ]
    return export, files


def owe_subject_access(
    session: Session,
    *,
    person_id: int,
    recipient: str,
    now: datetime,
    tz: ZoneInfo,
    idempotency_key: str,
) -> SubjectAccess:
    """Owe `recipient` a DM with the person's subject access export attached."""
    export, files = subject_access(session, person_id=person_id, actor=recipient, now=now, tz=tz)
    outbox.enqueue(
        session,
        recipient=recipient,
        kind=SUBJECT_ACCESS_KIND,
        message=Notice.plain(
            f"Here is everything held about {export.name} (person {person_id}), taken "
            f"{format_when(now, tz)}: {export.rows} records, as JSON and as a readable page. "
            "It holds personal data: share it only with them, by a secure route."
        ),
        due_at=now,
        idempotency_key=idempotency_key,
        attachments=files,
    )
    return export
