"""Delivery under faults: who claimed a send, withdrawals of sends in doubt, unreachable people.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "unreachable_recipient",
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_unreachable_recipient")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("unreachable_recipient")
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("claimed_by")
