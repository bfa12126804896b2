"""delivery: health of the alert channels (a paused e-mail channel or webhook receiver)

Revision ID: 0009_delivery
Revises: 0008_accounts
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_delivery"
down_revision = "0008_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_channel_health",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_alert_channel_health")),
    )


def downgrade() -> None:
    op.drop_table("alert_channel_health")
