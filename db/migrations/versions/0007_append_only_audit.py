"""The audit trail becomes append-only in the database; its personal values move to a side table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import append_only

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_personal_value",
        sa.Column("audit_event_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_event_id"],
            ["audit_event.id"],
            name=op.f("fk_audit_personal_value_audit_event_id"),
            ondelete="NO ACTION",
        ),
        sa.PrimaryKeyConstraint("audit_event_id", name=op.f("pk_audit_personal_value")),
    )
    append_only.install(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    append_only.remove(op.get_bind())
    op.drop_table("audit_personal_value")
