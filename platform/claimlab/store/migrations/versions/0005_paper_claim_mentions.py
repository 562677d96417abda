"""Claim mentions from papers (sentences and table values), extraction state, watch reproduce.

Claim mentions get a `source` (review | paper); a paper's mention has no report, review
mark or confidence, and records its paper, passage, page, bbox and an anchor unique per
paper. Papers remember the PDF their claims were extracted from; saved searches their
reproduce settings and the papers they brought in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 16:26:30.744255
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE_FIELDS = (
    "(source = 'review' AND report_id IS NOT NULL) OR "
    "(source = 'paper' AND paper_id IS NOT NULL AND anchor IS NOT NULL)"
)
_NULLABLE = (
    ("report_id", sa.Integer()),
    ("row", sa.Integer()),
    ("line", sa.Integer()),
    ("verified", sa.Boolean()),
    ("confidence", sa.Float()),
)


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "search_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_search_papers_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["saved_searches.id"],
            name=op.f("fk_search_papers_search_id_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_papers")),
        sa.UniqueConstraint(
            "search_id", "paper_id", name=op.f("uq_search_papers_search_id_paper_id")
        ),
    )
    with op.batch_alter_table("search_papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_papers_paper_id"), ["paper_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_papers_search_id"), ["search_id"], unique=False)

    with op.batch_alter_table("claim_mentions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="review", nullable=False)
        )
        batch_op.add_column(sa.Column("paper_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("passage_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("page", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bbox", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("anchor", sa.String(length=64), nullable=True))
        for name, type_ in _NULLABLE:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
        batch_op.create_index(batch_op.f("ix_claim_mentions_paper_id"), ["paper_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_claim_mentions_paper_id_anchor"), ["paper_id", "anchor"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_mentions_paper_id_papers"),
            "papers",
            ["paper_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_mentions_passage_id_passages"),
            "passages",
            ["passage_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint("source_fields", _SOURCE_FIELDS)

    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extracted_sha256", sa.String(length=64), nullable=True))

    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reproduce_profile", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reproduce_seeds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reproduce_max_runs", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this migration: paper mentions are deleted, and the claims only papers made."""
    op.execute(
        "DELETE FROM claims WHERE spec_status != 'manual' AND id IN "
        "(SELECT claim_id FROM claim_mentions WHERE source = 'paper') AND id NOT IN "
        "(SELECT claim_id FROM claim_mentions WHERE source = 'review')"
    )
    op.execute("DELETE FROM claim_mentions WHERE source = 'paper'")
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_column("reproduce_max_runs")
        batch_op.drop_column("reproduce_seeds")
        batch_op.drop_column("reproduce_profile")

    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_column("extracted_sha256")

    with op.batch_alter_table("claim_mentions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_mentions_source_fields"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_claim_mentions_passage_id_passages"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_claim_mentions_paper_id_papers"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_claim_mentions_paper_id_anchor"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_claim_mentions_paper_id"))
        for name, type_ in reversed(_NULLABLE):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        for name in ("anchor", "bbox", "page", "passage_id", "paper_id", "source"):
            batch_op.drop_column(name)

    with op.batch_alter_table("search_papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_papers_search_id"))
        batch_op.drop_index(batch_op.f("ix_search_papers_paper_id"))

    op.drop_table("search_papers")
