"""What evaluations say: response rates, distributions, headline figures and free text.

Plain functions over the database, for `/cohort evaluations` and the steering group's digest.
Aggregates are counted in SQL or from one fetch, never one query per participant.

No result (a count, share, mean or free text) is given for any group, after any filter, of fewer
than `MIN_GROUP` responses: with so few, a figure can point at a person. Response *rates* are
operational (who still has to answer) and always shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.core.anonymity import MIN_GROUP, TOO_FEW, enough
from bot.core.ratio import Ratio
from bot.evaluations.confidence import ConfidenceChange, confidence_change
from bot.evaluations.forms import labels_for, scale_label
from bot.evaluations.free_text import STILL_OPEN, FreeText, form_closed, free_text_answers
from bot.evaluations.scope import all_questions, open_request, response_count, scope, versions
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType, SessionKind
from db.models import (
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    ProgrammeSession,
)

# The report's headline answers: the workshop rated Excellent or Good, objectives met
# Completely or Largely (the first two labels of each scale).
_TOP_TWO = (1, 2)
SCALE_TYPES = (
    QuestionType.RATING5,
    QuestionType.OBJECTIVES_MET,
    QuestionType.AGREEMENT5,
    QuestionType.YES_NO,
)


__all__ = [
    "MIN_GROUP",
    "STILL_OPEN",
    "TOO_FEW",
    "ConfidenceChange",
    "FreeText",
    "Headlines",
    "QuestionResult",
    "ResponseRate",
    "Share",
    "answer_text",
    "commitments_by_category",
    "confidence_change",
    "distribution",
    "form_closed",
    "free_text_answers",
    "headline_figures",
    "response_rates",
]


# Evaluation results are counts out of totals like any other; the name is the issue's.
Share = Ratio


@dataclass(frozen=True)
class ResponseRate:
    """How many were asked to complete a form for a session (or milestone), and how many did."""

    form_key: str
    form_title: str
    cohort_id: int
    session_id: int | None
    session_title: str | None
    requested: int
    completed: int
    # Nobody can still answer: no request is open (or every open one is past its closing time).
    closed: bool
    # The latest closing time of the group's requests, if any has one.
    closes_at: datetime | None = None

    @property
    def rate(self) -> Share:
        """Completed out of requested."""
        return Share(self.completed, self.requested)


def response_rates(
    session: Session,
    *,
    cohort_ids: Sequence[int] | None = None,
    session_id: int | None = None,
    form_key: str | None = None,
    now: datetime | None = None,
) -> list[ResponseRate]:
    """Requested and completed per form and session (or milestone) per cohort.

    Cancelled requests (someone who left) are not counted. With `now`, a request past its
    closing time counts as closed even before the expiry tick has marked it.
    """
    request = EvaluationRequest
    # Versions of one form make one line: a coordinator asks about "the workshop form".
    stmt = (
        select(
            EvaluationForm.key,
            func.max(EvaluationForm.version),
            request.cohort_id,
            request.session_id,
            func.count(),
            func.sum(case((request.state == EvaluationRequestState.COMPLETED, 1), else_=0)),
            func.sum(case((open_request(now), 1), else_=0)),
            func.max(request.closes_at),
        )
        .join(EvaluationForm, EvaluationForm.id == request.form_id)
        .where(request.state != EvaluationRequestState.CANCELLED)
        .group_by(EvaluationForm.key, request.cohort_id, request.session_id)
    )
    if cohort_ids is not None:
        stmt = stmt.where(request.cohort_id.in_(cohort_ids))
    if session_id is not None:
        stmt = stmt.where(request.session_id == session_id)
    if form_key is not None:
        stmt = stmt.where(EvaluationForm.key == form_key)
    rows = session.execute(stmt).all()
    titles = {
        (form.key, form.version): form.title
        for form in session.scalars(
            select(EvaluationForm).where(EvaluationForm.key.in_({row[0] for row in rows}))
        )
    }
    session_ids = {row[3] for row in rows if row[3] is not None}
    sessions = {
        found.id: found
        for found in session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.id.in_(session_ids))
        )
    }
    rates = [
        ResponseRate(
            form_key=key,
            form_title=titles[(key, version)],
            cohort_id=cohort_id,
            session_id=group_session_id,
            session_title=sessions[group_session_id].title if group_session_id else None,
            requested=requested,
            completed=int(completed or 0),
            closed=not still_open,
            closes_at=closes,
        )
        for key, version, cohort_id, group_session_id, requested, completed, still_open, closes in (
            rows
        )
    ]
    return sorted(rates, key=lambda r: _rate_order(r, sessions))


def _rate_order(rate: ResponseRate, sessions: dict[int, ProgrammeSession]) -> tuple[Any, ...]:
    starts = sessions[rate.session_id].starts_at.isoformat() if rate.session_id else ""
    return (rate.cohort_id, rate.session_id is not None, starts, rate.form_key)


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered: a count per label, in label order."""

    key: str
    text: str
    section: str | None
    type: QuestionType
    labels: tuple[str, ...]
    # None when withheld: fewer than MIN_GROUP responses, or people answering the question.
    counts: tuple[int, ...] | None
    # Responses that answered this question (for multiple choice, people, not ticks).
    answered: int

    @property
    def suppressed(self) -> bool:
        """Whether the counts are withheld to protect anonymity."""
        return self.counts is None


def distribution(
    session: Session,
    *,
    form_key: str,
    cohort_ids: Sequence[int] | None = None,
    session_id: int | None = None,
) -> list[QuestionResult]:
    """Counts per label for every question except free text (see `free_text_answers`)."""
    forms = versions(session, form_key)
    if not forms:
        return []
    filters: dict[str, Any] = {
        "form_ids": [form.id for form in forms],
        "cohort_ids": cohort_ids,
        "session_id": session_id,
    }
    responses = response_count(session, **filters)
    stmt = (
        select(EvaluationQuestion.key, EvaluationAnswer)
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .where(*scope(**filters))
    )
    answers: dict[str, list[EvaluationAnswer]] = {}
    for question_key, answer in session.execute(stmt):
        answers.setdefault(question_key, []).append(answer)
    return [
        _question_result(question, answers.get(question.key, []), responses)
        for question in all_questions(forms)
        if question.type != QuestionType.FREE_TEXT
    ]


def _question_result(
    question: EvaluationQuestion, answers: list[EvaluationAnswer], responses: int
) -> QuestionResult:
    counts: Counter[str] = Counter()
    answered = 0
    for answer in answers:
        picked = _picked(question, answer)
        answered += bool(picked)
        counts.update(picked)
    labels = list(labels_for(question))
    # Answers to an option an older version offered still count, after the current ones.
    labels += sorted(label for label in counts if label not in labels)
    shown = enough(responses) and enough(answered)
    return QuestionResult(
        key=question.key,
        text=question.text,
        section=question.section,
        type=question.type,
        labels=tuple(labels),
        counts=tuple(counts[label] for label in labels) if shown else None,
        answered=answered,
    )


def _picked(question: EvaluationQuestion, answer: EvaluationAnswer) -> list[str]:
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return [str(choice) for choice in answer.value_choices or []]
    label = answer_text(question, answer)
    return [label] if label else []


def answer_text(question: EvaluationQuestion, answer: EvaluationAnswer) -> str | None:
    """An answer as people read it: the label, Yes/No, the choices joined by '; ', or the text."""
    return stored_answer_text(
        question, text=answer.value_text, number=answer.value_number, choices=answer.value_choices
    )


def stored_answer_text(
    question: EvaluationQuestion,
    *,
    text: str | None,
    number: int | None,
    choices: Sequence[Any] | None,
) -> str | None:
    """`answer_text` for an answer read as plain columns (the export reads them so)."""
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return "; ".join(str(choice) for choice in choices or []) or None
    if number is not None and question.type in SCALE_TYPES:
        try:
            return scale_label(question.type, number)
        except ValueError:
            return str(number)
    return text


@dataclass(frozen=True)
class Headlines:
    """The report's headline figures for workshop evaluations; None where too few answered."""

    responses: int
    excellent_or_good: Share | None
    objectives_met: Share | None


def headline_figures(session: Session, *, cohort_ids: Sequence[int] | None = None) -> Headlines:
    """Share rating the workshop overall Excellent or Good, and saying it met its objectives."""
    workshop_forms = select(EvaluationForm.id).where(
        EvaluationForm.attached_to == SessionKind.WORKSHOP.value
    )
    form_ids = list(session.scalars(workshop_forms))
    stmt = (
        select(EvaluationQuestion.purpose, EvaluationAnswer.value_number, func.count())
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .where(
            EvaluationQuestion.purpose.in_(
                [QuestionPurpose.OVERALL.value, QuestionPurpose.OBJECTIVES.value]
            ),
            EvaluationAnswer.value_number.is_not(None),
            *scope(form_ids=form_ids, cohort_ids=cohort_ids),
        )
        .group_by(EvaluationQuestion.purpose, EvaluationAnswer.value_number)
    )
    top: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for purpose, value, count in session.execute(stmt):
        purpose = str(purpose)
        answered[purpose] += count
        if value in _TOP_TWO:
            top[purpose] += count
    responses = response_count(session, form_ids=form_ids, cohort_ids=cohort_ids)

    def share(purpose: QuestionPurpose) -> Share | None:
        total = answered[purpose.value]
        if not (enough(total) and enough(responses)):
            return None
        return Share(top[purpose.value], total)

    return Headlines(
        responses=responses,
        excellent_or_good=share(QuestionPurpose.OVERALL),
        objectives_met=share(QuestionPurpose.OBJECTIVES),
    )


def commitments_by_category(
    session: Session, *, cohort_ids: Sequence[int] | None = None
) -> dict[str, int] | None:
    """How many commitments to change fall in each category (all listed), or None if too few."""
    category = EvaluationQuestion.purpose == QuestionPurpose.COMMITMENT_CATEGORY.value
    options = session.scalars(
        select(EvaluationQuestion.options)
        .join(EvaluationQuestion.form)
        .where(category)
        .order_by(EvaluationForm.id.desc())
    )
    stmt = (
        select(EvaluationAnswer.value_text, func.count())
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .where(category, EvaluationAnswer.value_text.is_not(None), *scope(cohort_ids=cohort_ids))
        .group_by(EvaluationAnswer.value_text)
    )
    counts = {str(text): int(count) for text, count in session.execute(stmt)}
    if not enough(sum(counts.values())):
        return None
    ordered: dict[str, int] = {}
    for listed in options:
        for name in listed or []:
            ordered.setdefault(str(name), counts.get(str(name), 0))
    for name in sorted(counts):
        ordered.setdefault(name, counts[name])
    return ordered
