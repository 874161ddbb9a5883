"""Evaluation results for the digest, from `bot.evaluations.results` and `bot.evaluations.commitments`.

Those modules hold back any result of fewer than `bot.evaluations.results.MIN_GROUP` responses; this
only narrows them to the cohorts in scope (always by cohort, so another programme's never count).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.evaluations.commitments import follow_up_summary
from bot.evaluations.results import (
    commitments_by_category,
    confidence_change,
    headline_figures,
    response_rates,
)
from bot.reporting.digest.figures import EvaluationFigures
from bot.reporting.digest.rows import Scope


def evaluation_figures(session: Session, scope: Scope, now: datetime) -> EvaluationFigures:
    """Response rates, headline shares, commitments, confidence and follow-ups for the scope."""
    cohort_ids = list(scope.cohort_ids)
    headlines = headline_figures(session, cohort_ids=cohort_ids)
    return EvaluationFigures(
        response_rates=tuple(response_rates(session, cohort_ids=cohort_ids, now=now)),
        responses=headlines.responses,
        excellent_or_good=headlines.excellent_or_good,
        objectives_met=headlines.objectives_met,
        commitments_by_category=commitments_by_category(session, cohort_ids=cohort_ids),
        confidence_change=tuple(confidence_change(session, cohort_ids=cohort_ids)),
        follow_up=follow_up_summary(session, cohort_ids=cohort_ids),
    )
