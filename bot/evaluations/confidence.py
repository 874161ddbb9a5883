"""Did confidence grow? Baseline (at enrolment) against end-of-programme answers, per question.

The report lacked a baseline, so nobody could say. Both surveys ask the same confidence questions
(same question keys). Named surveys are compared person by person (only people who answered
both count); anonymous ones cannot be, so they are compared as two cohort-level means.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.anonymity import enough
from bot.evaluations.forms import Milestone
from db.enums import QuestionPurpose
from db.models import EvaluationAnswer, EvaluationForm, EvaluationQuestion, EvaluationResponse

_SURVEYS = (Milestone.ENROLMENT.value, Milestone.PROGRAMME_END.value)


@dataclass(frozen=True)
class ConfidenceChange:
    """One confidence question at baseline and at the end; means None when too few to show."""

    question_key: str
    question_text: str
    # Person by person (named surveys), or two independent cohort-level means (anonymous).
    paired: bool
    baseline_responses: int
    end_responses: int
    # People who answered both; 0 when unpaired.
    pairs: int
    baseline_mean: float | None
    end_mean: float | None
    mean_change: float | None

    @property
    def suppressed(self) -> bool:
        """Whether the figures are withheld because too few answered."""
        return self.mean_change is None


@dataclass
class _Answers:
    text: str
    position: int
    baseline: dict[int | str, int]
    end: dict[int | str, int]
    anonymous: bool = False


def confidence_change(
    session: Session, *, cohort_ids: Sequence[int] | None = None
) -> list[ConfidenceChange]:
    """Baseline against end-of-programme, per confidence question asked on both surveys."""
    stmt = (
        select(
            EvaluationForm.attached_to,
            EvaluationForm.anonymous,
            EvaluationQuestion.key,
            EvaluationQuestion.text,
            EvaluationQuestion.position,
            EvaluationResponse.id,
            EvaluationResponse.enrolment_id,
            EvaluationAnswer.value_number,
        )
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .join(EvaluationResponse.form)
        .where(
            EvaluationQuestion.purpose == QuestionPurpose.CONFIDENCE.value,
            EvaluationForm.attached_to.in_(_SURVEYS),
            EvaluationAnswer.value_number.is_not(None),
        )
        # Oldest version first, so a later version's answer (if anyone gave two) wins.
        .order_by(EvaluationForm.version, EvaluationResponse.id)
    )
    if cohort_ids is not None:
        stmt = stmt.where(EvaluationResponse.cohort_id.in_(cohort_ids))
    questions: dict[str, _Answers] = {}
    for (
        attached_to,
        anonymous,
        key,
        text,
        position,
        response_id,
        enrolment_id,
        value,
    ) in session.execute(stmt):
        if value is None:  # excluded by the query; tells the type checker too
            continue
        answers = questions.setdefault(key, _Answers(text, position, {}, {}))
        answers.anonymous |= bool(anonymous or enrolment_id is None)
        person: int | str = enrolment_id if enrolment_id is not None else response_id
        if attached_to == Milestone.ENROLMENT.value:
            answers.baseline[person] = value
        else:
            # The end-of-programme wording is the one shown.
            answers.text, answers.position = text, position
            answers.end[person] = value
    asked_twice = [(key, a) for key, a in questions.items() if a.baseline and a.end]
    return [
        _unpaired(key, answers) if answers.anonymous else _paired(key, answers)
        for key, answers in sorted(asked_twice, key=lambda item: (item[1].position, item[0]))
    ]


def _paired(key: str, answers: _Answers) -> ConfidenceChange:
    both = sorted(set(answers.baseline) & set(answers.end), key=str)
    shown = enough(len(both))
    before = [answers.baseline[person] for person in both]
    after = [answers.end[person] for person in both]
    return ConfidenceChange(
        question_key=key,
        question_text=answers.text,
        paired=True,
        baseline_responses=len(answers.baseline),
        end_responses=len(answers.end),
        pairs=len(both),
        baseline_mean=fmean(before) if shown else None,
        end_mean=fmean(after) if shown else None,
        mean_change=fmean(b - a for a, b in zip(before, after, strict=True)) if shown else None,
    )


def _unpaired(key: str, answers: _Answers) -> ConfidenceChange:
    shown = enough(len(answers.baseline)) and enough(len(answers.end))
    baseline = fmean(answers.baseline.values()) if shown else None
    end = fmean(answers.end.values()) if shown else None
    return ConfidenceChange(
        question_key=key,
        question_text=answers.text,
        paired=False,
        baseline_responses=len(answers.baseline),
        end_responses=len(answers.end),
        pairs=0,
        baseline_mean=baseline,
        end_mean=end,
        mean_change=end - baseline if end is not None and baseline is not None else None,
    )
