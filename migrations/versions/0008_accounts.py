"""accounts: a per-user session generation, so logging out and changing a password end sessions server-side

Revision ID: 0008_accounts
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = "0008_accounts"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
