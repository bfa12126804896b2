"""registry core

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:12:47.863271
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('initiatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('interreg_project', 'grensinfopunt', 'edl_activity', 'partnership', 'programme', 'other', name='initiativekind', native_enum=False, length=32), nullable=False),
    sa.Column('name_nl', sa.String(length=250), nullable=True),
    sa.Column('name_de', sa.String(length=250), nullable=True),
    sa.Column('name_en', sa.String(length=250), nullable=True),
    sa.Column('name_key', sa.String(length=250), nullable=False),
    sa.Column('acronym', sa.String(length=60), nullable=True),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'ended', name='initiativestatus', native_enum=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('dates_estimated', sa.Boolean(), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['initiatives.id'], name=op.f('fk_initiatives_parent_id_initiatives'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives')),
    sa.UniqueConstraint('name_key', name=op.f('uq_initiatives_name_key')),
    sa.UniqueConstraint('slug', name=op.f('uq_initiatives_slug'))
    )
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiatives_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_status'), ['status'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('type', sa.Enum('government', 'education', 'employer', 'union', 'knowledge', 'euregio', 'funder', 'ngo', 'other', name='organisationtype', native_enum=False, length=32), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('funding_streams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('structural', 'temporary', name='fundingkind', native_enum=False, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('cofinancing_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('amount_estimated', sa.Boolean(), nullable=False),
    sa.Column('end_date_estimated', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['funder_id'], ['organisations.id'], name=op.f('fk_funding_streams_funder_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_funding_streams_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_streams'))
    )
    with op.batch_alter_table('funding_streams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_streams_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_funding_streams_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_funding_streams_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('initiative_advice_links',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_initiative_advice_links_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', 'code', name=op.f('pk_initiative_advice_links'))
    )
    with op.batch_alter_table('initiative_advice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_advice_links_code'), ['code'], unique=False)

    op.create_table('initiative_regions',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_initiative_regions_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', 'code', name=op.f('pk_initiative_regions'))
    )
    with op.batch_alter_table('initiative_regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_regions_code'), ['code'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'manager', 'partner', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_name'), ['name'], unique=False)
        batch_op.create_index('ix_events_subject', ['subject_type', 'subject_id', 'id'], unique=False)

    op.create_table('initiative_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('lead', 'partner', 'funder', 'ambassador', name='initiativerolekind', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_initiative_roles_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_initiative_roles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_initiative_roles_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_roles')),
    sa.UniqueConstraint('initiative_id', 'organisation_id', 'role', name=op.f('uq_initiative_roles_initiative_id_organisation_id_role'))
    )
    with op.batch_alter_table('initiative_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_roles_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_roles_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('initiative_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_roles_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_roles_initiative_id'))

    op.drop_table('initiative_roles')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_subject')
        batch_op.drop_index(batch_op.f('ix_events_name'))

    op.drop_table('events')
    op.drop_table('users')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))

    op.drop_table('people')
    with op.batch_alter_table('initiative_regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_regions_code'))

    op.drop_table('initiative_regions')
    with op.batch_alter_table('initiative_advice_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_advice_links_code'))

    op.drop_table('initiative_advice_links')
    with op.batch_alter_table('funding_streams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_streams_initiative_id'))
        batch_op.drop_index(batch_op.f('ix_funding_streams_funder_id'))
        batch_op.drop_index(batch_op.f('ix_funding_streams_end_date'))

    op.drop_table('funding_streams')
    op.drop_table('organisations')
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiatives_status'))
        batch_op.drop_index(batch_op.f('ix_initiatives_parent_id'))
        batch_op.drop_index(batch_op.f('ix_initiatives_kind'))

    op.drop_table('initiatives')
