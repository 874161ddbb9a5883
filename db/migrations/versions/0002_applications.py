"""An application offer names the cohort offered (issue 3).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: an application remembers the cohort it was offered."""
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("offered_cohort_id", sa.Integer(), nullable=True))
        batch.create_index("ix_application_offered_cohort_id", ["offered_cohort_id"])
        batch.create_foreign_key(
            "fk_application_offered_cohort_id",
            "cohort",
            ["offered_cohort_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("application") as batch:
        batch.drop_constraint("fk_application_offered_cohort_id", type_="foreignkey")
        batch.drop_index("ix_application_offered_cohort_id")
        batch.drop_column("offered_cohort_id")
