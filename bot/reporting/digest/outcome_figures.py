"""Career outcomes to date: confirmed ones by kind, and participants with new roles (not suppressed)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.reporting.digest.figures import OutcomeFigures
from bot.reporting.digest.rows import EnrolmentRow, OutcomeRow
from db.enums import OutcomeKind

DIRECTOR_KINDS = frozenset(
    {OutcomeKind.PERMANENT_DIRECTOR, OutcomeKind.INTERIM_DIRECTOR, OutcomeKind.ACTING_DIRECTOR}
)
# Leaving the service is recorded as an outcome but is not a new role.
NOT_A_NEW_ROLE = frozenset({OutcomeKind.LEFT_SERVICE})


def outcome_figures(
    participants: Sequence[EnrolmentRow], outcomes: Sequence[OutcomeRow]
) -> OutcomeFigures:
    """Outcomes of `participants`: those credited to their enrolment, or to none (the person's)."""
    enrolment_ids = {row.enrolment.id for row in participants}
    people = {row.enrolment.person_id for row in participants}
    relevant = [
        outcome
        for outcome in outcomes
        if outcome.person_id in people
        and (outcome.enrolment_id is None or outcome.enrolment_id in enrolment_ids)
    ]
    confirmed = [outcome for outcome in relevant if outcome.confirmed]
    # Participants, not outcomes: each kind is published as a share of participants, and two
    # secondments of one person are still one participant seconded.
    by_kind = {kind: _participants_with(participants, confirmed, {kind}) for kind in OutcomeKind}
    new_role = _participants_with(participants, confirmed, set(OutcomeKind) - NOT_A_NEW_ROLE)
    director = _participants_with(participants, confirmed, DIRECTOR_KINDS)
    return OutcomeFigures(
        by_kind=by_kind,
        participants=len(participants),
        with_new_role=new_role,
        in_director_role=director,
        awaiting_confirmation=len(relevant) - len(confirmed),
    )


def _participants_with(
    participants: Sequence[EnrolmentRow],
    outcomes: Sequence[OutcomeRow],
    kinds: set[OutcomeKind] | frozenset[OutcomeKind],
) -> int:
    """How many participant enrolments have an outcome of one of `kinds`."""
    credited = {o.enrolment_id for o in outcomes if o.kind in kinds and o.enrolment_id is not None}
    uncredited = {o.person_id for o in outcomes if o.kind in kinds and o.enrolment_id is None}
    return sum(
        1
        for row in participants
        if row.enrolment.id in credited or row.enrolment.person_id in uncredited
    )
