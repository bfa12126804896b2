"""lobby events are members-only: events recorded before they were marked so stop being public

Revision ID: 0010_feeds
Revises: 0009_delivery
"""
from alembic import op


revision = "0010_feeds"
down_revision = "0009_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE events SET public = false WHERE name LIKE 'lobby.%'")


def downgrade() -> None:
    pass  # which lobby events were public before cannot be told; keeping them members-only is the safe side
