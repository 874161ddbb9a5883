"""Sessions as programmes plan them: all-day sessions, dates known only to the week or month,
and sessions added after they happened (history, about which nothing is sent).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("all_day", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("date_precision", sa.String(length=40), server_default="day", nullable=False)
        )
        batch_op.add_column(
            sa.Column("past_when_added", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.drop_column("past_when_added")
        batch_op.drop_column("date_precision")
        batch_op.drop_column("all_day")
