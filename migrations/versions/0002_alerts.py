"""funding-cliff alerts: subscriptions, cliff marks, the delivery outbox and the fan-out cursor

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_cursors',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_alert_cursors'))
    )
    op.create_table('alert_cliff_marks',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('horizon', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('announced', sa.Boolean(), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_alert_cliff_marks_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', 'horizon', 'days', name=op.f('pk_alert_cliff_marks'))
    )
    op.create_table('alert_stream_end_marks',
    sa.Column('stream_id', sa.Integer(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stream_id'], ['funding_streams.id'], name=op.f('fk_alert_stream_end_marks_stream_id_funding_streams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stream_id', 'end_date', name=op.f('pk_alert_stream_end_marks'))
    )
    op.create_table('alert_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('scope_kind', sa.String(length=32), nullable=False),
    sa.Column('scope_key', sa.String(length=64), nullable=False),
    sa.Column('rhythm', sa.Enum('immediate', 'weekly', name='rhythm', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', 'paused', 'unsubscribed', name='subscriptionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('email_enabled', sa.Boolean(), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('webhook_secret', sa.String(length=64), nullable=True),
    sa.Column('webhook_disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscriptions')),
    sa.UniqueConstraint('email', 'scope_kind', 'scope_key', name=op.f('uq_alert_subscriptions_email_scope_kind_scope_key'))
    )
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscriptions_scope', ['scope_kind', 'scope_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_subscriptions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('alert_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_alert_items_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['alert_subscriptions.id'], name=op.f('fk_alert_items_subscription_id_alert_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_items')),
    sa.UniqueConstraint('subscription_id', 'event_id', name=op.f('uq_alert_items_subscription_id_event_id'))
    )
    with op.batch_alter_table('alert_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_items_event_id'), ['event_id'], unique=False)

    op.create_table('alert_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.Enum('email', 'webhook', name='channel', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='deliverystatus', native_enum=False, length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_key', sa.String(length=80), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['alert_items.id'], name=op.f('fk_alert_deliveries_item_id_alert_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_deliveries')),
    sa.UniqueConstraint('item_id', 'channel', name=op.f('uq_alert_deliveries_item_id_channel'))
    )
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_alert_deliveries_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_deliveries_claim_token'), ['claim_token'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_claim_token'))
        batch_op.drop_index('ix_alert_deliveries_due')

    op.drop_table('alert_deliveries')
    with op.batch_alter_table('alert_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_items_event_id'))

    op.drop_table('alert_items')
    with op.batch_alter_table('alert_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscriptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_alert_subscriptions_status'))
        batch_op.drop_index('ix_alert_subscriptions_scope')

    op.drop_table('alert_subscriptions')
    op.drop_table('alert_stream_end_marks')
    op.drop_table('alert_cliff_marks')
    op.drop_table('alert_cursors')
