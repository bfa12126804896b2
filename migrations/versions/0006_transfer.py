"""transfer: external ids of imported initiatives

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "initiative_external_ids",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"],
                                name=op.f("fk_initiative_external_ids_initiative_id_initiatives"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source", "external_id", name=op.f("pk_initiative_external_ids")),
    )
    with op.batch_alter_table("initiative_external_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_external_ids_initiative_id"), ["initiative_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("initiative_external_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_external_ids_initiative_id"))
    op.drop_table("initiative_external_ids")
