"""Schema changes for coach assignment: the coach a coordinator assigned to each enrolment.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_person_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_enrolment_coach_person_id"), ["coach_person_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_enrolment_coach_person_id"),
            "person",
            ["coach_person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_enrolment_coach_person_id"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_enrolment_coach_person_id"))
        batch_op.drop_column("coach_person_id")
