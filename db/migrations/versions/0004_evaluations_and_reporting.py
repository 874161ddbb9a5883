"""Schema changes for evaluations (issue 5) and steering-group reporting (issue 6).

Question headings and purposes, drafts of forms split over several modal pages, and the
figures each weekly digest reported.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "digest_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_digest_snapshot_programme_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_snapshot")),
        sa.UniqueConstraint(
            "programme_id", "week_of", name=op.f("uq_digest_snapshot_programme_id_week_of")
        ),
    )
    with op.batch_alter_table("digest_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_snapshot_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "evaluation_draft",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["evaluation_request.id"],
            name=op.f("fk_evaluation_draft_request_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_evaluation_draft")),
    )
    with op.batch_alter_table("evaluation_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("purpose", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("evaluation_question", schema=None) as batch_op:
        batch_op.drop_column("purpose")
        batch_op.drop_column("section")

    op.drop_table("evaluation_draft")
    with op.batch_alter_table("digest_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_snapshot_programme_id"))

    op.drop_table("digest_snapshot")
