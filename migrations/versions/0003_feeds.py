"""feeds: sources, entries, links to initiatives and organisations, recorded polling problems

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('poll_interval_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_status', sa.Enum('never', 'ok', 'not_modified', 'failed', name='pollstatus', native_enum=False, length=32), nullable=False),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_feed_sources_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_sources')),
    sa.UniqueConstraint('url', name=op.f('uq_feed_sources_url'))
    )
    with op.batch_alter_table('feed_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_sources_next_poll_at'), ['next_poll_at'], unique=False)

    op.create_table('feed_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=2000), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sort_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['feed_sources.id'], name=op.f('fk_feed_entries_source_id_feed_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_entries')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_feed_entries_source_id_key'))
    )
    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_entries_sort_at'), ['sort_at'], unique=False)

    op.create_table('feed_errors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('problem', sa.Enum('http_status', 'timeout', 'connection', 'too_large', 'too_many_redirects', 'bad_redirect', 'moved', 'refused', 'empty', 'html', 'encoding', 'malformed', 'not_a_feed', 'internal', name='feedproblem', native_enum=False, length=32), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['feed_sources.id'], name=op.f('fk_feed_errors_source_id_feed_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_errors'))
    )
    with op.batch_alter_table('feed_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_errors_source_id'), ['source_id'], unique=False)

    op.create_table('feed_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('matched', sa.String(length=250), nullable=False),
    sa.Column('status', sa.Enum('suggested', 'confirmed', 'rejected', name='linkstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(initiative_id IS NULL) <> (organisation_id IS NULL)', name=op.f('ck_feed_links_one_target')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_feed_links_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['feed_entries.id'], name=op.f('fk_feed_links_entry_id_feed_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_feed_links_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_feed_links_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_links')),
    sa.UniqueConstraint('entry_id', 'initiative_id', name=op.f('uq_feed_links_entry_id_initiative_id')),
    sa.UniqueConstraint('entry_id', 'organisation_id', name=op.f('uq_feed_links_entry_id_organisation_id'))
    )
    with op.batch_alter_table('feed_links', schema=None) as batch_op:
        batch_op.create_index('ix_feed_links_initiative', ['initiative_id', 'status'], unique=False)
        batch_op.create_index('ix_feed_links_organisation', ['organisation_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feed_links', schema=None) as batch_op:
        batch_op.drop_index('ix_feed_links_organisation')
        batch_op.drop_index('ix_feed_links_initiative')

    op.drop_table('feed_links')
    with op.batch_alter_table('feed_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_errors_source_id'))

    op.drop_table('feed_errors')
    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_entries_sort_at'))

    op.drop_table('feed_entries')
    with op.batch_alter_table('feed_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_sources_next_poll_at'))

    op.drop_table('feed_sources')
