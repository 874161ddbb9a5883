"""The audit trail names people by pseudonym: `audit_pseudonym` holds the one link to a Slack id.

Existing events that name a Slack user (as the actor, or as an unreachable recipient's key) are
rewritten to the pseudonym, with the append-only triggers lifted for the rewrite only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import append_only
from db.personal import PSEUDONYM_PREFIX, SLACK_USER_ID

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

events = sa.table(
    "audit_event",
    sa.column("actor", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String),
)
pseudonyms = sa.table("audit_pseudonym", sa.column("id", sa.Integer), sa.column("slack_user_id"))


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_pseudonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_pseudonym")),
        sa.UniqueConstraint("slack_user_id", name=op.f("uq_audit_pseudonym_slack_user_id")),
    )
    connection = op.get_bind()
    named = set(connection.scalars(sa.select(events.c.actor).distinct()))
    named |= set(
        connection.scalars(
            sa.select(events.c.entity_id)
            .where(events.c.entity_type == "UnreachableRecipient")
            .distinct()
        )
    )
    people = sorted(value for value in named if SLACK_USER_ID.fullmatch(value))
    if not people:
        return
    append_only.remove(connection)
    for slack_user_id in people:
        connection.execute(pseudonyms.insert().values(slack_user_id=slack_user_id))
        number = connection.scalar(
            sa.select(pseudonyms.c.id).where(pseudonyms.c.slack_user_id == slack_user_id)
        )
        reference = f"{PSEUDONYM_PREFIX}{number}"
        connection.execute(
            events.update().where(events.c.actor == slack_user_id).values(actor=reference)
        )
        connection.execute(
            events.update()
            .where(
                events.c.entity_type == "UnreachableRecipient",
                events.c.entity_id == slack_user_id,
            )
            .values(entity_id=reference)
        )
    append_only.install(connection)


def downgrade() -> None:
    """Downgrade schema: the events name people by Slack id again (erased people stay unnamed)."""
    connection = op.get_bind()
    known = connection.execute(sa.select(pseudonyms.c.id, pseudonyms.c.slack_user_id)).all()
    if known:
        append_only.remove(connection)
        for number, slack_user_id in known:
            reference = f"{PSEUDONYM_PREFIX}{number}"
            connection.execute(
                events.update().where(events.c.actor == reference).values(actor=slack_user_id)
            )
            connection.execute(
                events.update()
                .where(events.c.entity_id == reference)
                .values(entity_id=slack_user_id)
            )
        append_only.install(connection)
    op.drop_table("audit_pseudonym")
