"""Which responses and requests a result describes: a form's versions, a cohort, a session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from db.enums import EvaluationRequestState
from db.models import EvaluationForm, EvaluationQuestion, EvaluationRequest, EvaluationResponse


def open_request(now: datetime | None) -> ColumnElement[bool]:
    """Requests someone can still answer: open and, given `now`, not past their closing time."""
    is_open = EvaluationRequest.state == EvaluationRequestState.OPEN
    if now is None:
        return is_open
    return and_(
        is_open, or_(EvaluationRequest.closes_at.is_(None), EvaluationRequest.closes_at > now)
    )


def versions(session: Session, form_key: str) -> list[EvaluationForm]:
    """Every version of the form `form_key`, newest first."""
    return list(
        session.scalars(
            select(EvaluationForm)
            .where(EvaluationForm.key == form_key)
            .order_by(EvaluationForm.version.desc())
        )
    )


def all_questions(forms: Sequence[EvaluationForm]) -> list[EvaluationQuestion]:
    """The newest version's questions in order, then any that only older versions asked."""
    seen: dict[str, EvaluationQuestion] = {}
    for form in forms:
        for question in form.questions:
            seen.setdefault(question.key, question)
    return list(seen.values())


def released() -> ColumnElement[bool]:
    """Responses a result may count: named ones, and anonymous ones whose group has closed.

    While an anonymous form is open, a coordinator watching a result change as each response
    arrives could read off that one response; so its responses count only once nobody in the
    group (form, cohort and session) can still answer.
    """
    response = EvaluationResponse
    same_session = or_(
        EvaluationRequest.session_id == response.session_id,
        and_(EvaluationRequest.session_id.is_(None), response.session_id.is_(None)),
    )
    still_open = exists().where(
        EvaluationRequest.form_id == response.form_id,
        EvaluationRequest.cohort_id == response.cohort_id,
        same_session,
        EvaluationRequest.state == EvaluationRequestState.OPEN,
    )
    return or_(response.enrolment_id.is_not(None), ~still_open)


def scope(
    *,
    form_ids: Sequence[int] | None = None,
    cohort_ids: Sequence[int] | None = None,
    session_id: int | None = None,
) -> list[ColumnElement[bool]]:
    """Conditions on `EvaluationResponse` picking the group a result describes (released only)."""
    response = EvaluationResponse
    conditions: list[ColumnElement[bool]] = [released()]
    if form_ids is not None:
        conditions.append(response.form_id.in_(form_ids))
    if cohort_ids is not None:
        conditions.append(response.cohort_id.in_(cohort_ids))
    if session_id is not None:
        conditions.append(response.session_id == session_id)
    return conditions


def response_count(session: Session, **filters: Any) -> int:
    """How many responses `scope(**filters)` picks."""
    stmt = select(func.count()).select_from(EvaluationResponse).where(*scope(**filters))
    return int(session.scalar(stmt) or 0)
