"""Evaluation forms, who was asked to complete them, and their (possibly anonymous) answers.

Completion and content are deliberately split. ``EvaluationRequest`` knows who was
asked and whether they completed; ``EvaluationResponse`` holds what was said. For
an anonymous form the response has no foreign key to a person, enrolment or
request, no exact timestamp (only the date) and a random primary key, and its
answers are keyed by (response, question), so nothing in the rows orders responses
by completion. Services must keep it that way: never put a response id into an
audit event, outbox message or log line alongside a person.

Marking the request completed and inserting the response happen in one transaction
(one transaction per user action), so a response is never stored without its
completion, nor a completion without its response, and a second submission is
refused by the request row. The transaction id PostgreSQL stamps on every row it
writes (the ``xmin`` system column) is therefore shared by the two rows, but it is
visible only to database administrators querying system columns; towards the bot's
users (results, exports, digests, logs, messages) nothing links a request to an
anonymous response.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, CreatedAtMixin, JSONType, UTCDateTime, enum_column_type, utcnow
from db.enums import CommitmentProgress, EvaluationRequestState, QuestionType

if TYPE_CHECKING:
    from db.models.people import Enrolment
    from db.models.programme import Cohort
    from db.models.sessions import ProgrammeSession

__all__ = [
    "CommitmentFollowUp",
    "EvaluationAnswer",
    "EvaluationDraft",
    "EvaluationForm",
    "EvaluationHeldAnswer",
    "EvaluationQuestion",
    "EvaluationRequest",
    "EvaluationResponse",
    "new_response_id",
]


def new_response_id() -> str:
    """Return a random, unguessable and unordered id for an evaluation response."""
    return uuid.uuid4().hex


class EvaluationForm(CreatedAtMixin, Base):
    """A versioned evaluation form; a published version is never edited."""

    __tablename__ = "evaluation_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    anonymous: Mapped[bool]
    # A SessionKind value (e.g. "workshop") or a milestone name (e.g. "programme_end").
    attached_to: Mapped[str] = mapped_column(sa.String(64), index=True)
    # The form as loaded from its YAML/JSON definition, kept for reference.
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    questions: Mapped[list[EvaluationQuestion]] = relationship(
        back_populates="form",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EvaluationQuestion.position",
    )

    __table_args__ = (sa.UniqueConstraint("key", "version"),)


class EvaluationQuestion(Base):
    """One question on an evaluation form."""

    __tablename__ = "evaluation_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_form.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int]
    type: Mapped[QuestionType] = mapped_column(enum_column_type(QuestionType))
    text: Mapped[str] = mapped_column(sa.Text)
    required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Choices for single/multiple choice questions.
    options: Mapped[list[Any] | None] = mapped_column(JSONType)
    max_length: Mapped[int | None]
    # The heading the question is shown under (e.g. "Day one sessions").
    section: Mapped[str | None] = mapped_column(sa.String(200))
    # What the results read it as: a QuestionPurpose value, or None for an ordinary question.
    purpose: Mapped[str | None] = mapped_column(sa.String(32))

    form: Mapped[EvaluationForm] = relationship(back_populates="questions")

    __table_args__ = (
        sa.UniqueConstraint("form_id", "key"),
        sa.UniqueConstraint("form_id", "position"),
    )


class EvaluationRequest(Base):
    """Who was asked to complete a form, and whether they have.

    Deliberately has no completion timestamp: for anonymous forms it would help
    match a request to its response.
    """

    __tablename__ = "evaluation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_form.id"))
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    # Null for milestone forms not tied to a session.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[EvaluationRequestState] = mapped_column(
        enum_column_type(EvaluationRequestState),
        default=EvaluationRequestState.OPEN,
        server_default=EvaluationRequestState.OPEN.value,
    )

    form: Mapped[EvaluationForm] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (
        sa.Index(None, "cohort_id", "form_id"),
        sa.Index(None, "state", "closes_at"),
        # One request per person per form per session; NULLs are distinct in unique
        # constraints on both backends, so milestone requests get their own index.
        sa.Index(
            "uq_evaluation_request_session",
            "form_id",
            "enrolment_id",
            "session_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_evaluation_request_milestone",
            "form_id",
            "enrolment_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NULL"),
            postgresql_where=sa.text("session_id IS NULL"),
        ),
    )


class EvaluationResponse(Base):
    """A submitted evaluation; anonymous unless ``enrolment_id`` is set.

    No ``created_at`` and a random string id on purpose: see the module docstring.
    """

    __tablename__ = "evaluation_response"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_response_id)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_form.id"))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL"), index=True
    )
    # NO ACTION: aggregate results outlive sessions but not silently their cohort.
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"))
    # Null for anonymous forms; named responses belong to their enrolment.
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    submitted_on: Mapped[date]
    # Only for named responses (CHECK below): an exact time could identify a person.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    form: Mapped[EvaluationForm] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    cohort: Mapped[Cohort] = relationship()
    enrolment: Mapped[Enrolment | None] = relationship()
    answers: Mapped[list[EvaluationAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.Index(None, "form_id", "cohort_id"),
        sa.CheckConstraint(
            "enrolment_id IS NOT NULL OR submitted_at IS NULL",
            name="anonymous_has_no_timestamp",
        ),
    )


class EvaluationHeldAnswer(Base):
    """An anonymous response held back until its group has enough completions to hide it in.

    Sealed (encrypted and authenticated with a key that is not in the database) and with no
    column a reader could join on: no form, cohort, session, person, time or sequence. The group
    tag is a keyed hash of the group, so only the bot can find a group's held answers. How and
    when they are released: `bot/evaluations/holding.py`.
    """

    __tablename__ = "evaluation_held_answer"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_response_id)
    group_tag: Mapped[str] = mapped_column(sa.String(64), index=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)


class EvaluationAnswer(Base):
    """The answer to one question in one response.

    Keyed by (response, question) rather than a sequence, which would reveal the
    order in which responses arrived.
    """

    __tablename__ = "evaluation_answer"

    response_id: Mapped[str] = mapped_column(
        sa.ForeignKey("evaluation_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_question.id"), primary_key=True, index=True
    )
    value_text: Mapped[str | None] = mapped_column(sa.Text)
    # Ratings, agreement scales and yes/no (1/0).
    value_number: Mapped[int | None]
    value_choices: Mapped[list[Any] | None] = mapped_column(JSONType)

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")
    question: Mapped[EvaluationQuestion] = relationship()


class EvaluationDraft(Base):
    """Answers to the earlier pages of a form split over several modal pages.

    Slack only sends the current page's state, so earlier pages wait here until the
    last page is submitted; the draft is deleted in the transaction that stores the
    response, and is never read as a response.
    """

    __tablename__ = "evaluation_draft"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_request.id", ondelete="CASCADE"), primary_key=True
    )
    # Answers keyed by question key, in the shape the form parser produces.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    request: Mapped[EvaluationRequest] = relationship()


class CommitmentFollowUp(CreatedAtMixin, Base):
    """A later check on whether a participant acted on their workshop commitment.

    The commitment itself is an answer on the workshop evaluation; this row only
    records when we asked and what they said.
    """

    __tablename__ = "commitment_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date] = mapped_column(index=True)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[CommitmentProgress | None] = mapped_column(enum_column_type(CommitmentProgress))
    note: Mapped[str | None] = mapped_column(sa.Text)

    enrolment: Mapped[Enrolment] = relationship()
    session: Mapped[ProgrammeSession] = relationship()

    __table_args__ = (sa.UniqueConstraint("enrolment_id", "session_id", "due_on"),)
