"""initiative name keys follow the lookalike-aware rule (``hub.text.name_key``) for rows saved before it

Revision ID: 0011_name_keys
Revises: 0010_feeds
"""
from alembic import op
import sqlalchemy as sa

from hub.text import name_key

revision = "0011_name_keys"
down_revision = "0010_feeds"
branch_labels = None
depends_on = None

initiatives = sa.table(
    "initiatives", sa.column("id", sa.Integer), sa.column("name_key", sa.String),
    sa.column("name_nl", sa.String), sa.column("name_de", sa.String), sa.column("name_en", sa.String),
)


def upgrade() -> None:
    """Recompute every key; a row whose new key another row already holds (two lookalike names registered before
    the rule) keeps its old key and is named, so nothing is merged or lost behind the user's back."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(initiatives.c.id, initiatives.c.name_key, initiatives.c.name_nl,
                                  initiatives.c.name_de, initiatives.c.name_en).order_by(initiatives.c.id)).all()
    taken = {row.name_key: row.id for row in rows}
    for row in rows:
        key = name_key(row.name_nl or row.name_de or row.name_en or "")
        if key == row.name_key:
            continue
        if key in taken:
            print(f"initiative {row.id}: its name looks like initiative {taken[key]}'s; key left as it was")
            continue
        conn.execute(initiatives.update().where(initiatives.c.id == row.id).values(name_key=key))
        del taken[row.name_key]
        taken[key] = row.id


def downgrade() -> None:
    """Keys computed by the newer rule stay valid under the older one (they are still unique)."""
