"""Free-text answers, released only once a form has closed for the group, and shuffled.

Shuffled so that the order says nothing about who answered when; withheld while anyone can still
answer (a late answer would stand out), and for groups too small to hide in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.anonymity import TOO_FEW, enough
from bot.evaluations.scope import all_questions, open_request, response_count, scope, versions
from db.enums import QuestionType
from db.models import EvaluationAnswer, EvaluationQuestion, EvaluationRequest

STILL_OPEN = "shown once the form closes"


@dataclass(frozen=True)
class FreeText:
    """The answers to one free-text question, shuffled; withheld (with why) when not releasable."""

    key: str
    text: str
    answers: tuple[str, ...]
    withheld: str | None = None


def form_closed(
    session: Session,
    *,
    form_ids: Sequence[int],
    cohort_ids: Sequence[int] | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether nobody in the group can still answer: no open request (before its closing time)."""
    stmt = select(func.count()).where(EvaluationRequest.form_id.in_(form_ids), open_request(now))
    if cohort_ids is not None:
        stmt = stmt.where(EvaluationRequest.cohort_id.in_(cohort_ids))
    if session_id is not None:
        stmt = stmt.where(EvaluationRequest.session_id == session_id)
    return not session.scalar(stmt)


def free_text_answers(
    session: Session,
    *,
    form_key: str,
    cohort_ids: Sequence[int] | None = None,
    session_id: int | None = None,
    rng: random.Random,
    now: datetime | None = None,
) -> list[FreeText]:
    """Each free-text question's answers in shuffled order, once the form has closed.

    Shuffled so that the order says nothing about who answered when; withheld while anyone
    can still answer, or when fewer than MIN_GROUP responded.
    """
    forms = versions(session, form_key)
    questions = [q for q in all_questions(forms) if q.type == QuestionType.FREE_TEXT]
    if not questions:
        return []
    filters: dict[str, Any] = {
        "form_ids": [form.id for form in forms],
        "cohort_ids": cohort_ids,
        "session_id": session_id,
    }
    withheld = None
    if not enough(response_count(session, **filters)):
        withheld = TOO_FEW
    elif not form_closed(session, now=now, **filters):
        withheld = STILL_OPEN
    if withheld is not None:
        return [FreeText(q.key, q.text, (), withheld) for q in questions]
    stmt = (
        select(EvaluationQuestion.key, EvaluationAnswer.value_text)
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .where(EvaluationQuestion.type == QuestionType.FREE_TEXT, *scope(**filters))
    )
    texts: dict[str, list[str]] = {}
    for key, text in session.execute(stmt):
        if text and text.strip():
            texts.setdefault(key, []).append(text.strip())
    results = []
    for question in questions:
        # Sorted first so the shuffle alone decides the order, whatever the database returned.
        answers = sorted(texts.get(question.key, []))
        rng.shuffle(answers)
        results.append(FreeText(question.key, question.text, tuple(answers)))
    return results
