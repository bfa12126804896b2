"""lobby: cycles, three ranked priorities, partner positions, actions and evidence

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lobby_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title_nl', sa.String(length=250), nullable=True),
    sa.Column('title_de', sa.String(length=250), nullable=True),
    sa.Column('title_en', sa.String(length=250), nullable=True),
    sa.Column('summary_nl', sa.Text(), nullable=False),
    sa.Column('summary_de', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lobby_cycles')),
    sa.UniqueConstraint('year', name=op.f('uq_lobby_cycles_year'))
    )
    op.create_table('lobby_priorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('title_nl', sa.String(length=250), nullable=True),
    sa.Column('title_de', sa.String(length=250), nullable=True),
    sa.Column('title_en', sa.String(length=250), nullable=True),
    sa.Column('summary_nl', sa.Text(), nullable=False),
    sa.Column('summary_de', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('target_level', sa.Enum('rijk', 'eu', 'land', name='targetlevel', native_enum=False, length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'agreed', 'in_lobby', 'achieved', 'dropped', name='prioritystatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['lobby_cycles.id'], name=op.f('fk_lobby_priorities_cycle_id_lobby_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['organisations.id'], name=op.f('fk_lobby_priorities_owner_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lobby_priorities')),
    sa.UniqueConstraint('cycle_id', 'rank', name=op.f('uq_lobby_priorities_cycle_id_rank'))
    )
    with op.batch_alter_table('lobby_priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lobby_priorities_owner_id'), ['owner_id'], unique=False)

    op.create_table('lobby_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('conference', 'position_paper', 'letter', 'ministry_meeting', 'eu_network', name='actionkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('responsible_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['priority_id'], ['lobby_priorities.id'], name=op.f('fk_lobby_actions_priority_id_lobby_priorities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_id'], ['organisations.id'], name=op.f('fk_lobby_actions_responsible_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lobby_actions'))
    )
    with op.batch_alter_table('lobby_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lobby_actions_priority_id'), ['priority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lobby_actions_responsible_id'), ['responsible_id'], unique=False)

    op.create_table('lobby_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('initiative', 'figure', 'quote', 'news', name='evidencekind', native_enum=False, length=32), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_lobby_evidence_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_id'], ['lobby_priorities.id'], name=op.f('fk_lobby_evidence_priority_id_lobby_priorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lobby_evidence'))
    )
    with op.batch_alter_table('lobby_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lobby_evidence_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lobby_evidence_priority_id'), ['priority_id'], unique=False)

    op.create_table('lobby_positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('endorses', 'supports_with_reservations', 'undecided', 'opposes', name='position', native_enum=False, length=32), nullable=False),
    sa.Column('stated_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_lobby_positions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_id'], ['lobby_priorities.id'], name=op.f('fk_lobby_positions_priority_id_lobby_priorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lobby_positions')),
    sa.UniqueConstraint('priority_id', 'organisation_id', name=op.f('uq_lobby_positions_priority_id_organisation_id'))
    )
    with op.batch_alter_table('lobby_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lobby_positions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('lobby_priority_advice_links',
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['priority_id'], ['lobby_priorities.id'], name=op.f('fk_lobby_priority_advice_links_priority_id_lobby_priorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('priority_id', 'code', name=op.f('pk_lobby_priority_advice_links'))
    )


def downgrade() -> None:
    op.drop_table('lobby_priority_advice_links')
    with op.batch_alter_table('lobby_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lobby_positions_organisation_id'))
    op.drop_table('lobby_positions')
    with op.batch_alter_table('lobby_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lobby_evidence_priority_id'))
        batch_op.drop_index(batch_op.f('ix_lobby_evidence_initiative_id'))
    op.drop_table('lobby_evidence')
    with op.batch_alter_table('lobby_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lobby_actions_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_lobby_actions_priority_id'))
    op.drop_table('lobby_actions')
    with op.batch_alter_table('lobby_priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lobby_priorities_owner_id'))
    op.drop_table('lobby_priorities')
    op.drop_table('lobby_cycles')
