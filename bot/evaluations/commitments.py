"""Commitment follow-ups: 30 and 90 days after a workshop, did people act on what they committed to?

The commitment is the answer to the workshop form's question with purpose `commitment`. On a named
form the follow-up quotes it; on an anonymous form nobody's answer can be found, so everyone who
completed the form is asked without a quote.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.core import outbox
from bot.core.anonymity import enough
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.evaluations.messages import MAX_COMMITMENT_NOTE_LENGTH as MAX_NOTE_LENGTH
from bot.evaluations.messages import FollowUpFacts
from bot.evaluations.requests import ASKED_STATUSES, working_moment
from bot.programmes.programmes import cohort_label, programme_zone
from bot.reminders.leave import away_or_on_leave
from db.enums import (
    CommitmentProgress,
    EvaluationRequestState,
    QuestionPurpose,
    SessionKind,
    SessionStatus,
)
from db.models import (
    Cohort,
    CommitmentFollowUp,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
    OutboundMessage,
    ProgrammeSession,
)

FOLLOW_UP_DAYS = (30, 90)
FOLLOW_UP_KIND = "commitment_follow_up"
# A follow-up missed for this long (the bot was down, or the person away) is not sent late.
CATCH_UP = timedelta(days=14)
NO_ANSWER = "no_answer"


def follow_up_key(follow_up_id: int) -> str:
    """The outbox idempotency key of the DM asking follow-up `follow_up_id`."""
    return f"commitment:{follow_up_id}"


@dataclass(frozen=True)
class Commitment:
    """Someone who made a commitment at a workshop, and what it was (None if anonymous)."""

    enrolment_id: int
    text: str | None
    category: str | None


def _answer_text(answer: EvaluationAnswer) -> str | None:
    if answer.value_text:
        return answer.value_text
    if answer.value_choices:
        return ", ".join(str(choice) for choice in answer.value_choices)
    return None


def _named_commitments(session: Session, session_id: int) -> dict[int, Commitment]:
    rows = session.execute(
        select(EvaluationResponse.enrolment_id, EvaluationQuestion.purpose, EvaluationAnswer)
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .join(EvaluationQuestion, EvaluationAnswer.question_id == EvaluationQuestion.id)
        .where(
            EvaluationResponse.session_id == session_id,
            EvaluationResponse.enrolment_id.is_not(None),
            EvaluationQuestion.purpose.in_(
                [QuestionPurpose.COMMITMENT.value, QuestionPurpose.COMMITMENT_CATEGORY.value]
            ),
        )
        .order_by(EvaluationResponse.enrolment_id, EvaluationQuestion.position)
    ).all()
    texts: dict[int, str] = {}
    categories: dict[int, str] = {}
    for enrolment_id, purpose, answer in rows:
        value = _answer_text(answer)
        if enrolment_id is None or not value or not value.strip():
            continue
        target = texts if purpose == QuestionPurpose.COMMITMENT else categories
        target.setdefault(enrolment_id, value.strip())
    return {
        enrolment_id: Commitment(enrolment_id, text, categories.get(enrolment_id))
        for enrolment_id, text in texts.items()
    }


def _anonymous_completers(session: Session, session_id: int) -> list[int]:
    has_commitment = (
        select(EvaluationQuestion.id)
        .where(
            EvaluationQuestion.form_id == EvaluationForm.id,
            EvaluationQuestion.purpose == QuestionPurpose.COMMITMENT.value,
        )
        .exists()
    )
    return list(
        session.scalars(
            select(EvaluationRequest.enrolment_id)
            .join(EvaluationForm, EvaluationRequest.form_id == EvaluationForm.id)
            .where(
                EvaluationRequest.session_id == session_id,
                EvaluationRequest.state == EvaluationRequestState.COMPLETED,
                EvaluationForm.anonymous.is_(True),
                has_commitment,
            )
            .distinct()
            .order_by(EvaluationRequest.enrolment_id)
        )
    )


def commitments_made(session: Session, session_id: int) -> list[Commitment]:
    """Who made a commitment at this workshop: quoted on named forms, unquoted on anonymous ones."""
    named = _named_commitments(session, session_id)
    for enrolment_id in _anonymous_completers(session, session_id):
        named.setdefault(enrolment_id, Commitment(enrolment_id, None, None))
    return [named[enrolment_id] for enrolment_id in sorted(named)]


def _end_day(programme_session: ProgrammeSession) -> date:
    return programme_session.ends_at.astimezone(programme_zone(programme_session.cohort)).date()


def _facts(session: Session, follow_up: CommitmentFollowUp) -> FollowUpFacts:
    programme_session = follow_up.session
    commitment = _named_commitments(session, programme_session.id).get(follow_up.enrolment_id)
    end = _end_day(programme_session)
    return FollowUpFacts(
        follow_up_id=follow_up.id,
        session_title=programme_session.title,
        session_day=end,
        days=(follow_up.due_on - end).days,
        commitment=commitment.text if commitment else None,
        category=commitment.category if commitment else None,
        answer=follow_up.answer,
        note=follow_up.note,
    )


def _ask(
    session: Session,
    programme_session: ProgrammeSession,
    enrolment: Enrolment,
    due_on: date,
    now: datetime,
) -> bool:
    follow_up = CommitmentFollowUp(
        enrolment=enrolment, session=programme_session, due_on=due_on, asked_at=now
    )
    try:
        # Unique per enrolment, session and day: a second clock process finds it taken.
        with session.begin_nested():
            session.add(follow_up)
            session.flush()
    except IntegrityError:
        return False
    outbox.enqueue(
        session,
        recipient=str(enrolment.person.slack_user_id),
        kind=FOLLOW_UP_KIND,
        message=_facts(session, follow_up),
        due_at=working_moment(enrolment, now),
        idempotency_key=follow_up_key(follow_up.id),
        session_id=programme_session.id,
        enrolment_id=enrolment.id,
    )
    return True


def owe_follow_ups(session: Session, now: datetime) -> int:
    """Ask the 30- and 90-day follow-ups now due; returns how many were asked.

    Someone away or on leave on the day is asked when they are back, unless that is much later.
    """
    longest = timedelta(days=max(FOLLOW_UP_DAYS)) + CATCH_UP + timedelta(days=1)
    workshops = session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.kind == SessionKind.WORKSHOP,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.past_when_added.is_(False),
            ProgrammeSession.ends_at <= now - timedelta(days=min(FOLLOW_UP_DAYS) - 1),
            ProgrammeSession.ends_at > now - longest,
        )
        .order_by(ProgrammeSession.ends_at, ProgrammeSession.id)
        .options(joinedload(ProgrammeSession.cohort).joinedload(Cohort.programme))
    ).all()
    asked = 0
    for programme_session in workshops:
        today = now.astimezone(programme_zone(programme_session.cohort)).date()
        end = _end_day(programme_session)
        due = [end + timedelta(days=d) for d in FOLLOW_UP_DAYS]
        due = [day for day in due if day <= today < day + CATCH_UP]
        if not due:
            continue
        already = {
            (enrolment_id, due_on)
            for enrolment_id, due_on in session.execute(
                select(CommitmentFollowUp.enrolment_id, CommitmentFollowUp.due_on).where(
                    CommitmentFollowUp.session_id == programme_session.id
                )
            )
        }
        for commitment in commitments_made(session, programme_session.id):
            enrolment = session.get_one(Enrolment, commitment.enrolment_id)
            if enrolment.status not in ASKED_STATUSES or enrolment.person.slack_user_id is None:
                continue
            if away_or_on_leave(enrolment, today):
                continue
            for due_on in due:
                if (enrolment.id, due_on) not in already:
                    asked += _ask(session, programme_session, enrolment, due_on, now)
    return asked


def _own_follow_up(session: Session, follow_up_id: int, slack_user_id: str) -> CommitmentFollowUp:
    follow_up = session.get(CommitmentFollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("That follow-up question no longer exists, so there is nothing to answer.")
    if follow_up.enrolment.person.slack_user_id != slack_user_id:
        raise PermissionDenied(
            "This question was sent to someone else about their own commitment, "
            "so only they can answer it."
        )
    return follow_up


def follow_up_to_answer(
    session: Session, *, follow_up_id: int, slack_user_id: str
) -> FollowUpFacts:
    """The follow-up `slack_user_id` is about to answer; refused if it was sent to someone else."""
    return _facts(session, _own_follow_up(session, follow_up_id, slack_user_id))


def answer_follow_up(
    session: Session,
    *,
    follow_up_id: int,
    slack_user_id: str,
    answer: CommitmentProgress,
    note: str | None,
    now: datetime,
) -> FollowUpFacts:
    """Record (or change) the answer to a follow-up, with an optional note; only its own participant may."""
    follow_up = _own_follow_up(session, follow_up_id, slack_user_id)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(
            f"Please keep the note to {MAX_NOTE_LENGTH} characters; it has {len(note)}."
        )
    updated = follow_up.answered_at is not None
    follow_up.answer, follow_up.note, follow_up.answered_at = answer, note, now
    return replace(_facts(session, follow_up), updated=updated)


def message_location(session: Session, follow_up_id: int) -> tuple[str, str] | None:
    """Where Slack put the follow-up DM (channel, ts), if it has been sent."""
    row = session.execute(
        select(OutboundMessage.channel_id, OutboundMessage.ts).where(
            OutboundMessage.idempotency_key == follow_up_key(follow_up_id)
        )
    ).first()
    if row is None or row.channel_id is None or row.ts is None:
        return None
    return row.channel_id, row.ts


def summary_key(days: int, answer: str) -> str:
    """'30_partly', '90_no_answer': the keys of `follow_up_summary`."""
    return f"{days}_{answer}"


def _asked_follow_ups(
    session: Session, cohort_ids: Collection[int] | None
) -> list[tuple[CommitmentFollowUp, int]]:
    """Every follow-up asked so far in scope, with its day (30 or 90)."""
    query = (
        select(CommitmentFollowUp)
        .join(ProgrammeSession, CommitmentFollowUp.session_id == ProgrammeSession.id)
        .where(CommitmentFollowUp.asked_at.is_not(None))
        .order_by(CommitmentFollowUp.id)
        .options(
            joinedload(CommitmentFollowUp.session)
            .joinedload(ProgrammeSession.cohort)
            .joinedload(Cohort.programme),
            joinedload(CommitmentFollowUp.enrolment).joinedload(Enrolment.person),
        )
    )
    if cohort_ids is not None:
        query = query.where(ProgrammeSession.cohort_id.in_(cohort_ids))
    asked = []
    for follow_up in session.scalars(query).unique():
        elapsed = (follow_up.due_on - _end_day(follow_up.session)).days
        asked.append((follow_up, min(FOLLOW_UP_DAYS, key=lambda d: abs(d - elapsed))))
    return asked


def follow_up_summary(
    session: Session, *, cohort_ids: Collection[int] | None = None
) -> dict[str, int] | None:
    """Answers to the follow-ups asked so far, by day and answer: '30_yes', '30_partly',
    '30_not_yet', '30_no_answer' and the same for 90 (every key present, zero if none).

    None when either day was asked of fewer than `MIN_GROUP` people: as for every evaluation
    result, a count of one or two in a small group points at a person.
    """
    return _summary(_asked_follow_ups(session, cohort_ids))


def _summary(asked: list[tuple[CommitmentFollowUp, int]]) -> dict[str, int] | None:
    counts = {
        summary_key(days, answer): 0
        for days in FOLLOW_UP_DAYS
        for answer in [*(progress.value for progress in CommitmentProgress), NO_ANSWER]
    }
    for follow_up, days in asked:
        answer = follow_up.answer.value if follow_up.answer is not None else NO_ANSWER
        counts[summary_key(days, answer)] += 1
    for days in FOLLOW_UP_DAYS:
        total = sum(count for key, count in counts.items() if key.startswith(f"{days}_"))
        if total and not enough(total):
            return None
    return counts


@dataclass(frozen=True)
class FollowUpAnswer:
    """One participant's answer to a 30- or 90-day follow-up, for coordinators."""

    cohort_label: str
    session_title: str
    days: int
    participant: str
    asked_at: datetime | None
    answer: CommitmentProgress | None
    note: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class FollowUpResults:
    """The follow-ups' counts by day and answer, and the notes people added (no names).

    Both are None for a group too small to show, as `follow_up_summary` explains.
    """

    asked: int
    counts: dict[str, int] | None
    notes: list[FollowUpAnswer] | None


def follow_up_results(
    session: Session, *, cohort_ids: Collection[int] | None = None
) -> FollowUpResults:
    """What coordinators see of the follow-ups in `/cohort evaluations`."""
    asked = _asked_follow_ups(session, cohort_ids)
    counts = _summary(asked)
    notes = None
    if counts is not None:
        notes = [answer for answer in _answers(asked) if answer.note]
    return FollowUpResults(asked=len(asked), counts=counts, notes=notes)


def follow_up_answers(
    session: Session, *, cohort_ids: Collection[int] | None = None
) -> list[FollowUpAnswer]:
    """Every follow-up asked, with who was asked, their answer and note (for the export)."""
    return _answers(_asked_follow_ups(session, cohort_ids))


def _answers(asked: list[tuple[CommitmentFollowUp, int]]) -> list[FollowUpAnswer]:
    return [
        FollowUpAnswer(
            cohort_label=cohort_label(follow_up.session.cohort),
            session_title=follow_up.session.title,
            days=days,
            participant=follow_up.enrolment.person.name,
            asked_at=follow_up.asked_at,
            answer=follow_up.answer,
            note=follow_up.note,
            answered_at=follow_up.answered_at,
        )
        for follow_up, days in asked
    ]
