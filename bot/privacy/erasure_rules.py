"""Erasure's rule for each table: what goes from the person's rows, what stays, and how."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.privacy.records import PersonRecords
from db.enums import LeaveKind, OutboundState, QuestionType
from db.models import EvaluationAnswer, EvaluationQuestion, OutboundMessage

ERASED_NAME = "Erased person"
# What an outbox message to or naming the person says once erased.
ERASED_TEXT = "(erased)"
ERASED_RECIPIENT = "erased"
# Outbox states a message can still be sent from: an erased person's are cancelled.
UNSENT = (OutboundState.PENDING, OutboundState.UNDELIVERABLE, OutboundState.FAILED)


@dataclass(frozen=True)
class Erasing:
    """The erasure under way: whose, by whom, when."""

    records: PersonRecords
    name: str
    email: str | None
    actor: str
    now: datetime


Apply = Callable[[Session, sa.Table, list[tuple[Any, ...]], Erasing], None]


@dataclass(frozen=True)
class Rule:
    """What erasure does to one table's rows: `goes` says what, for the confirmation modal."""

    goes: str
    apply: Apply


def _where_keys(table: sa.Table, keys: list[tuple[Any, ...]]) -> sa.ColumnElement[bool]:
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])
    return sa.tuple_(*columns).in_(keys)


def anonymise(goes: str, **values: Any) -> Rule:
    """A rule setting `values` on each of the person's rows."""

    def apply(session: Session, table: sa.Table, keys: list[tuple[Any, ...]], _: Erasing) -> None:
        for start in range(0, len(keys), 500):
            session.execute(
                table.update().where(_where_keys(table, keys[start : start + 500])).values(values)
            )

    return Rule(goes, apply)


def delete(goes: str) -> Rule:
    """A rule deleting the person's rows."""

    def apply(session: Session, table: sa.Table, keys: list[tuple[Any, ...]], _: Erasing) -> None:
        for start in range(0, len(keys), 500):
            session.execute(table.delete().where(_where_keys(table, keys[start : start + 500])))

    return Rule(goes, apply)


def keep(why: str) -> Rule:
    """A rule keeping the rows as they are: they say nothing about the person once the rest is gone.

    `why` is for the reader of this module; nothing goes, so the modal does not list it.
    """

    def apply(
        _session: Session, _table: sa.Table, _keys: list[tuple[Any, ...]], _: Erasing
    ) -> None:
        return None

    return Rule("", apply)


def _erase_person(
    session: Session, table: sa.Table, keys: list[tuple[Any, ...]], e: Erasing
) -> None:
    anonymise(
        "",
        name=ERASED_NAME,
        email=None,
        slack_user_id=None,
        job_title=None,
        organisation=None,
        slack_tz=None,
        erased_at=e.now,
    ).apply(session, table, keys, e)


def _erase_assessments(
    session: Session, table: sa.Table, keys: list[tuple[Any, ...]], e: Erasing
) -> None:
    # A did-not-attend row keeps being one (the figures count it) without its reason.
    reason = table.c.did_not_attend_reason
    anonymise(
        "",
        panel=None,
        development_areas=[],
        did_not_attend_reason=sa.case((reason.is_(None), None), else_=""),
    ).apply(session, table, keys, e)


def _erase_answers(
    session: Session, table: sa.Table, keys: list[tuple[Any, ...]], _: Erasing
) -> None:
    # Ratings and choices are counted (by the results, when enough people answered); free text
    # is what describes the person.
    free_text = sa.select(EvaluationQuestion.id).where(
        EvaluationQuestion.type == QuestionType.FREE_TEXT
    )
    for start in range(0, len(keys), 500):
        session.execute(
            sa.update(EvaluationAnswer)
            .where(_where_keys(table, keys[start : start + 500]))
            .where(EvaluationAnswer.question_id.in_(free_text))
            .values(value_text=None)
        )


def _erase_outbox(
    session: Session, table: sa.Table, keys: list[tuple[Any, ...]], e: Erasing
) -> None:
    ids = [key[0] for key in keys]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id.in_(chunk), OutboundMessage.state.in_(UNSENT))
            .values(state=OutboundState.CANCELLED)
        )
        session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id.in_(chunk))
            .values(payload={"text": ERASED_TEXT})
        )
        if e.records.slack_user_id:
            session.execute(
                sa.update(OutboundMessage)
                .where(
                    OutboundMessage.id.in_(chunk),
                    OutboundMessage.recipient == e.records.slack_user_id,
                )
                .values(recipient=ERASED_RECIPIENT)
            )


def _unlink_coaching(
    session: Session, table: sa.Table, keys: list[tuple[Any, ...]], e: Erasing
) -> None:
    # The coach's name is typed beside the link: both go.
    anonymise("", coach_id=None, coach_name=None).apply(session, table, keys, e)


ERASURE_RULES: dict[str, Rule] = {
    "person": Rule(
        "profile: name, e-mail address, Slack account, job title, organisation", _erase_person
    ),
    "application": anonymise(
        "applications: job, organisation, level, accreditation, supporting statement, "
        "screening reason and diversity answers",
        job_title="",
        organisation="",
        region=None,
        current_level=None,
        recent_provider_experience=None,
        professional_accreditation=None,
        supporting_statement=None,
        diversity_consent=False,
        gender=None,
        ethnicity=None,
        screening_reason=None,
    ),
    "application_status_change": anonymise(
        "reasons and feedback in application histories", reason=None, feedback=None
    ),
    "enrolment": anonymise("reasons for enrolment changes", status_reason=None),
    "leave_period": anonymise("leave reasons (the dates stay, as time away)", kind=LeaveKind.AWAY),
    "invitation": anonymise(
        "reasons given for not attending", rsvp_reason=None, attendance_reason=None
    ),
    "coaching_session": anonymise("coaching notes", note=None),
    "assessment_result": Rule(
        "assessment panels, development areas and reasons for not attending", _erase_assessments
    ),
    "outcome": anonymise(
        "career outcomes' role titles, organisations and notes",
        role_title=None,
        organisation=None,
        note=None,
    ),
    "evaluation_request": keep("who was asked and whether they answered: counted by the rates"),
    "evaluation_response": keep("the named response's form and date: its answers are below"),
    "evaluation_answer": Rule(
        "free-text answers to named evaluations (commitments)", _erase_answers
    ),
    "evaluation_draft": delete("unfinished evaluation answers"),
    "commitment_follow_up": anonymise("notes on commitment follow-ups", note=None),
    "outbound_message": Rule(
        "messages to them, or about their places, in the outbox", _erase_outbox
    ),
}

# Rows of others that link to the person (table, column): the link goes.
MENTION_RULES: dict[tuple[str, str], Rule] = {
    ("programme_session", "facilitator_id"): anonymise(
        "their name as a session's facilitator", facilitator_id=None
    ),
    ("enrolment", "coach_person_id"): anonymise(
        "their name as a participant's coach", coach_person_id=None
    ),
    ("coaching_session", "coach_id"): Rule(
        "their name as coach in coaching logs", _unlink_coaching
    ),
}

# Rows naming the person by Slack id.
SLACK_ID_RULES: dict[str, Rule] = {
    "role_grant": delete("their roles"),
    "unreachable_recipient": delete("Slack's record that they cannot be reached"),
    "outbound_message": ERASURE_RULES["outbound_message"],
    # What the audit trail names them by goes, so its events no longer lead to them.
    "audit_pseudonym": delete("the link from the audit trail's pseudonym to them"),
}
