"""Erasure: people can be marked erased, and the diversity answers of erased people are kept unlinked.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("erased_at", UTCDateTime(), nullable=True))
    op.create_table(
        "erased_diversity_profile",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("applicant", sa.Boolean(), nullable=False),
        sa.Column("participant", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(64), nullable=False),
        sa.Column("ethnicity", sa.String(100), nullable=False),
        sa.Column("region", sa.String(100), nullable=False),
        sa.Column("organisation_type", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_erased_diversity_profile_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_diversity_profile")),
    )
    op.create_index(
        op.f("ix_erased_diversity_profile_programme_id"),
        "erased_diversity_profile",
        ["programme_id"],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        op.f("ix_erased_diversity_profile_programme_id"), table_name="erased_diversity_profile"
    )
    op.drop_table("erased_diversity_profile")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("erased_at")
