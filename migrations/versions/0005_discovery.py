"""discovery: search index, overlap detection

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:25:57.343918

Besides the mapped tables this creates ``search_fts``, which the models cannot describe: an FTS5
virtual table on SQLite, a tsvector table with a GIN index on PostgreSQL (see hub/search/models.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('discovery_cursors',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_discovery_cursors'))
    )
    op.create_table('search_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('doc_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('funding', sa.Enum('none', 'open', 'ends', name='fundingstate', native_enum=False, length=8), nullable=True),
    sa.Column('horizon', sa.Date(), nullable=True),
    sa.Column('link', sa.String(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('doc_type', 'doc_id', name=op.f('uq_search_documents_doc_type_doc_id'))
    )
    op.create_table('search_facets',
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('facet', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['search_documents.id'], name=op.f('fk_search_facets_document_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'facet', 'value', name=op.f('pk_search_facets'))
    )
    with op.batch_alter_table('search_facets', schema=None) as batch_op:
        batch_op.create_index('ix_search_facets_facet_value', ['facet', 'value'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'CREATE TABLE search_fts ('
            ' document_id BIGINT PRIMARY KEY REFERENCES search_documents (id) ON DELETE CASCADE,'
            ' terms TSVECTOR NOT NULL,'  # title (weight A) and body (D): matching and ranking
            ' title_terms TSVECTOR NOT NULL)'  # the title alone: the first ranking tier of large results
        )
        op.execute('CREATE INDEX ix_search_fts_terms ON search_fts USING gin (terms)')
        op.execute('CREATE INDEX ix_search_fts_title_terms ON search_fts USING gin (title_terms)')
    else:
        # Terms arrive already folded and stemmed (hub.search.text); the tokenizer only splits them.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, tokenize='unicode61 remove_diacritics 0')"
        )

    op.create_table('overlap_terms',
    sa.Column('term', sa.String(length=40), nullable=False),
    sa.Column('field', sa.Enum('name', 'text', name='termfield', native_enum=False, length=8), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_overlap_terms_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'field', 'initiative_id', name=op.f('pk_overlap_terms')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('overlap_terms', schema=None) as batch_op:
        batch_op.create_index('ix_overlap_terms_initiative_id', ['initiative_id'], unique=False)

    op.create_table('overlap_pairs',
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('high_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.CheckConstraint('low_id < high_id', name=op.f('ck_overlap_pairs_ordered')),
    sa.ForeignKeyConstraint(['high_id'], ['initiatives.id'], name=op.f('fk_overlap_pairs_high_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_id'], ['initiatives.id'], name=op.f('fk_overlap_pairs_low_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('low_id', 'high_id', name=op.f('pk_overlap_pairs'))
    )
    with op.batch_alter_table('overlap_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overlap_pairs_high_id'), ['high_id'], unique=False)

    op.create_table('overlap_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('high_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.Enum('duplicate', 'complementary', 'unrelated', name='verdict', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('low_id < high_id', name=op.f('ck_overlap_decisions_ordered')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_overlap_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['high_id'], ['initiatives.id'], name=op.f('fk_overlap_decisions_high_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_id'], ['initiatives.id'], name=op.f('fk_overlap_decisions_low_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overlap_decisions')),
    sa.UniqueConstraint('low_id', 'high_id', name=op.f('uq_overlap_decisions_low_id_high_id'))
    )
    with op.batch_alter_table('overlap_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overlap_decisions_high_id'), ['high_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('overlap_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overlap_decisions_high_id'))
    op.drop_table('overlap_decisions')
    with op.batch_alter_table('overlap_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overlap_pairs_high_id'))
    op.drop_table('overlap_pairs')
    with op.batch_alter_table('overlap_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_overlap_terms_initiative_id')
    op.drop_table('overlap_terms')
    op.execute('DROP TABLE search_fts')  # on SQLite this drops the FTS5 shadow tables too
    with op.batch_alter_table('search_facets', schema=None) as batch_op:
        batch_op.drop_index('ix_search_facets_facet_value')
    op.drop_table('search_facets')
    op.drop_table('search_documents')
    op.drop_table('discovery_cursors')
