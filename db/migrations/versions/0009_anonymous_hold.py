"""Anonymous evaluation answers are held back, sealed, until their group has 5 completions.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_held_answer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("group_tag", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_held_answer")),
    )
    op.create_index(
        op.f("ix_evaluation_held_answer_group_tag"),
        "evaluation_held_answer",
        ["group_tag"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_evaluation_held_answer_group_tag"), table_name="evaluation_held_answer")
    op.drop_table("evaluation_held_answer")
