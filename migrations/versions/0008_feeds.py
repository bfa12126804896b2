"""lobby events are members-only: events recorded before they were marked so stop being public

Revision ID: 0008_feeds
Revises: 0007
"""
from alembic import op


revision = "0008_feeds"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE events SET public = false WHERE name LIKE 'lobby.%'")


def downgrade() -> None:
    pass  # which lobby events were public before cannot be told; keeping them members-only is the safe side
