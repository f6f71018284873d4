"""Initial schema: the project's tables as `create_all` made them until migrations came in.

A database made before then (no `alembic_version` table) is adopted by `bot.answers.schema.upgrade`:
its missing tables and nullable columns are added, then it is stamped at this revision.

Revision ID: 0001
Revises:
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "faq_edits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("answer_id", sa.String(length=120), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("edited_by", sa.String(length=120), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.Column("how", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_edits_answer_id"), ["answer_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("answer_id", sa.String(length=120), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_given_at"), ["given_at"], unique=False)

    op.create_table(
        "topics",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "turn_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("answer_id", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("turn_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turn_outcomes_at"), ["at"], unique=False)

    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("redacted_text", sa.Text(), nullable=False),
        sa.Column("best_guess", sa.String(length=120), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unanswered_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unanswered_questions_asked_at"), ["asked_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_unanswered_questions_status"), ["status"], unique=False)

    op.create_table(
        "answers",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic"],
            ["topics.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_topic"), ["topic"], unique=False)

    op.create_table(
        "answer_versions",
        sa.Column("answer_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("sources_json", sa.Text(), nullable=False),
        sa.Column("follow_ups_json", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
        ),
        sa.PrimaryKeyConstraint("answer_id", "version"),
    )


def downgrade() -> None:
    """Drop every table."""
    op.drop_table("answer_versions")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_topic"))

    op.drop_table("answers")
    with op.batch_alter_table("unanswered_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unanswered_questions_status"))
        batch_op.drop_index(batch_op.f("ix_unanswered_questions_asked_at"))

    op.drop_table("unanswered_questions")
    with op.batch_alter_table("turn_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_outcomes_at"))

    op.drop_table("turn_outcomes")
    op.drop_table("topics")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_given_at"))

    op.drop_table("feedback")
    with op.batch_alter_table("faq_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_edits_answer_id"))

    op.drop_table("faq_edits")
