"""Which tables hold data about a person, read from the schema itself.

A table is about a person when it is `person`, or when one of its foreign keys points at a table
that is: an enrolment names a person, an invitation names an enrolment, and so on. Erasure and
subject access walk the same list, so a new table linked to a person is covered as it is added.
"""

from __future__ import annotations

import re
from functools import cache

import sqlalchemy as sa

from db.models import Base

PERSON_TABLE = "person"

# Columns holding a person's Slack user id rather than a foreign key: a row whose column holds
# someone's id is about them too (their roles, Slack's word that they cannot be reached, messages
# to them). Erasure, subject access and the audit trail's split of values read this list.
SLACK_ID_COLUMNS: tuple[tuple[str, str], ...] = (
    ("role_grant", "slack_user_id"),
    ("audit_pseudonym", "slack_user_id"),
    ("unreachable_recipient", "recipient"),
    ("outbound_message", "recipient"),
)


# A Slack user id (`U...`, or `W...` in Enterprise Grid), as opposed to a non-personal actor
# such as "system" or "cli".
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
# How the audit trail names a person: by their row in `audit_pseudonym`, never by Slack id.
PSEUDONYM_PREFIX = "someone:"


def about_people_by_slack_id() -> frozenset[str]:
    """Tables whose rows name a person by Slack id (see `SLACK_ID_COLUMNS`)."""
    return frozenset(table for table, _ in SLACK_ID_COLUMNS)


@cache
def person_linked_tables() -> frozenset[str]:
    """Names of every table with a column linked to a person (and `person` itself).

    A record belongs to a person through a required link (an invitation's enrolment, an
    enrolment's person); an optional link (a session's facilitator) makes the table linked but
    does not make everything hanging off it (the session's evaluations) about that person.
    """
    owned = {PERSON_TABLE}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            if table.name in owned:
                continue
            if any(
                fk.column.table.name in owned and not fk.parent.nullable
                for fk in table.foreign_keys
            ):
                owned.add(table.name)
                changed = True
    linked = set(owned)
    for table in Base.metadata.sorted_tables:
        if any(fk.column.table.name in owned for fk in table.foreign_keys):
            linked.add(table.name)
    return frozenset(linked)


def table_of_class(class_name: str) -> sa.Table | None:
    """The table mapped by the model class called `class_name`, if any."""
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == class_name:
            table = mapper.local_table
            return table if isinstance(table, sa.Table) else None
    return None
