"""Evaluation forms made directly in the database, for tests that should not depend on the YAML files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from db.enums import QuestionPurpose, QuestionType
from db.models import EvaluationForm, EvaluationQuestion

RATING5 = ("Excellent", "Good", "Average", "Poor", "Very poor")
OBJECTIVES_MET = ("Completely", "Largely", "Partly", "Not at all")


@dataclass(frozen=True)
class Q:
    """One question to put on a test form."""

    key: str
    type: QuestionType
    text: str = ""
    required: bool = True
    options: tuple[str, ...] | None = None
    max_length: int | None = None
    purpose: QuestionPurpose | None = None
    section: str | None = None


def make_form(
    session: Session,
    *,
    key: str = "test_form",
    questions: list[Q],
    title: str = "Test evaluation",
    anonymous: bool = False,
    attached_to: str = "workshop",
    version: int = 1,
    window_days: int = 14,
) -> EvaluationForm:
    """A form with `questions`, stored as if loaded from a definition file."""
    definition: dict[str, Any] = {
        "key": key,
        "version": version,
        "title": title,
        "anonymous": anonymous,
        "attached_to": attached_to,
        "window_days": window_days,
    }
    form = EvaluationForm(
        key=key,
        version=version,
        title=title,
        anonymous=anonymous,
        attached_to=attached_to,
        definition=definition,
        questions=[
            EvaluationQuestion(
                key=q.key,
                position=position,
                type=q.type,
                text=q.text or f"Question {q.key}?",
                required=q.required,
                options=list(q.options) if q.options is not None else None,
                max_length=q.max_length,
                purpose=q.purpose.value if q.purpose else None,
                section=q.section,
            )
            for position, q in enumerate(questions, start=1)
        ],
    )
    session.add(form)
    session.flush()
    return form
