"""funding truth: expected/actual ends, renewal decisions and successors per stream; per-stream reminder marks

Revision ID: 0012_funding_truth
Revises: 0011_name_keys
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_funding_truth"
down_revision = "0011_name_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("funding_streams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("actual_end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("renewal_decision_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("programme_envelope", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f("fk_funding_streams_successor_id_funding_streams"), "funding_streams",
                                    ["successor_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("funding_streams", schema=None) as batch_op:
        batch_op.alter_column("programme_envelope", server_default=None)
    with op.batch_alter_table("alert_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_offsets", sa.String(length=100), nullable=True))
    op.create_table(
        "alert_stream_marks",
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Enum("end", "decision", name="streamrule", native_enum=False, length=16), nullable=False),
        sa.Column("target", sa.Date(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["stream_id"], ["funding_streams.id"],
                                name=op.f("fk_alert_stream_marks_stream_id_funding_streams"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("stream_id", "rule", "target", "offset", name=op.f("pk_alert_stream_marks")),
    )


def downgrade() -> None:
    op.drop_table("alert_stream_marks")
    with op.batch_alter_table("alert_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("reminder_offsets")
    with op.batch_alter_table("funding_streams", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_funding_streams_successor_id_funding_streams"), type_="foreignkey")
        for column in ("programme_envelope", "successor_id", "renewal_decision_date", "actual_end_date", "expected_end_date"):
            batch_op.drop_column(column)
