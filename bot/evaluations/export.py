"""Evaluation responses as a table for coordinators to export, respecting anonymity.

Named forms show who answered and are ordered by date and name. Anonymous forms show nothing that
identifies a person (no name, no enrolment, not even the date: someone asked on their own, after
their last coaching session say, would be named by it) and their rows are ordered by the random
response id, so not even the row order follows the order people answered in; and, like every
other result, they are left out for groups of fewer than MIN_GROUP or still open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from bot.core.anonymity import enough
from bot.core.labels import COMMITMENT_PROGRESS_LABELS
from bot.core.tables import Cell, Table
from bot.evaluations.commitments import follow_up_answers
from bot.evaluations.results import stored_answer_text
from bot.evaluations.scope import open_request
from bot.programmes.programmes import cohort_label_of
from db.models import (
    Cohort,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
    Person,
    Programme,
    ProgrammeSession,
)

FIXED_HEADERS = ("Form", "Version", "Cohort", "Session", "Submitted on")
PARTICIPANT_HEADER = "Participant"


def response_table(
    session: Session,
    *,
    cohort_id: int | None = None,
    form_key: str | None = None,
    now: datetime | None = None,
) -> Table:
    """One row per response (of one form, or of every form), one column per question.

    An anonymous form's responses are only exported for a group (cohort and session) of at least
    MIN_GROUP responses whose form has closed, as for every other result.
    """
    forms_stmt = select(EvaluationForm).options(selectinload(EvaluationForm.questions))
    if form_key is not None:
        forms_stmt = forms_stmt.where(EvaluationForm.key == form_key)
    forms = list(
        session.scalars(forms_stmt.order_by(EvaluationForm.key, EvaluationForm.version.desc()))
    )
    columns = _question_columns(forms, several=len({form.key for form in forms}) > 1)
    named = any(not form.anonymous for form in forms)
    headers = (*FIXED_HEADERS, *((PARTICIPANT_HEADER,) if named else ()), *columns.values())

    conditions: list[ColumnElement[bool]] = [
        EvaluationResponse.form_id.in_([form.id for form in forms])
    ]
    if cohort_id is not None:
        conditions.append(EvaluationResponse.cohort_id == cohort_id)
    # Plain columns, not objects: one joined query whatever the number of responses.
    responses_stmt = (
        select(
            EvaluationResponse.id,
            EvaluationResponse.form_id,
            EvaluationResponse.cohort_id,
            EvaluationResponse.session_id,
            EvaluationResponse.enrolment_id,
            EvaluationResponse.submitted_on,
            Programme.name,
            Cohort.name,
            ProgrammeSession.title,
            Person.name,
        )
        .select_from(EvaluationResponse)
        .join(EvaluationResponse.cohort)
        .join(Cohort.programme)
        .outerjoin(EvaluationResponse.session)
        .outerjoin(EvaluationResponse.enrolment)
        .outerjoin(Enrolment.person)
        .where(*conditions)
    )
    responses = _releasable(
        session, [_Response._make(found) for found in session.execute(responses_stmt)], forms, now
    )
    by_id = {form.id: form for form in forms}
    questions = {q.id: q for form in forms for q in form.questions}
    answers: dict[str, dict[tuple[str, str], Cell]] = {}
    for response_id, form_id, question_id, text, number, choices in session.execute(
        select(
            EvaluationAnswer.response_id,
            EvaluationResponse.form_id,
            EvaluationAnswer.question_id,
            EvaluationAnswer.value_text,
            EvaluationAnswer.value_number,
            EvaluationAnswer.value_choices,
        )
        .join(EvaluationAnswer.response)
        .where(*conditions)
    ):
        question = questions[question_id]
        answers.setdefault(response_id, {})[(by_id[form_id].key, question.key)] = (
            stored_answer_text(question, text=text, number=number, choices=choices)
        )

    rows: list[tuple[tuple[Any, ...], tuple[Cell, ...]]] = []
    for response in responses:
        form = by_id[response.form_id]
        anonymous = form.anonymous or response.enrolment_id is None
        name = None if anonymous else response.person
        cells = answers.get(response.id, {})
        row: tuple[Cell, ...] = (
            form.title,
            form.version,
            cohort_label_of(response.programme, response.cohort),
            response.session_title,
            None if anonymous else response.submitted_on,
            *((name,) if named else ()),
            *(cells.get(column) for column in columns),
        )
        # Anonymous rows: by random id only; named rows: by date, then name.
        within = (response.id,) if anonymous else (response.submitted_on.isoformat(), name or "")
        order = (
            form.key,
            form.version,
            response.cohort_id,
            response.session_title or "",
            anonymous,
        )
        rows.append(((*order, *within), row))
    rows.sort(key=lambda pair: pair[0])
    name = f"{form_key} responses" if form_key else "Evaluation responses"
    return Table(name=name[:31], headers=headers, rows=[row for _, row in rows])


class _Response(NamedTuple):
    """One response as the export reads it: its own columns, and the names it is shown with."""

    id: str
    form_id: int
    cohort_id: int
    session_id: int | None
    enrolment_id: int | None
    submitted_on: date
    programme: str
    cohort: str
    session_title: str | None
    # Read for named forms only: an anonymous response's row never shows it.
    person: str | None


def _releasable(
    session: Session,
    responses: list[_Response],
    forms: Sequence[EvaluationForm],
    now: datetime | None,
) -> list[_Response]:
    """`responses` without anonymous ones from groups too small, or still open."""
    anonymous = {form.id: form.key for form in forms if form.anonymous}
    if not anonymous:
        return responses

    def group(form_id: int, cohort_id: int, session_id: int | None) -> tuple[str, int, int | None]:
        return (anonymous[form_id], cohort_id, session_id)

    still_open = {
        group(*row)
        for row in session.execute(
            select(
                EvaluationRequest.form_id, EvaluationRequest.cohort_id, EvaluationRequest.session_id
            )
            .where(EvaluationRequest.form_id.in_(anonymous), open_request(now))
            .distinct()
        )
    }

    def key(response: _Response) -> tuple[str, int, int | None]:
        return group(response.form_id, response.cohort_id, response.session_id)

    sizes = Counter(key(r) for r in responses if r.form_id in anonymous)
    return [
        response
        for response in responses
        if response.form_id not in anonymous
        or (enough(sizes[key(response)]) and key(response) not in still_open)
    ]


def _question_columns(
    forms: Sequence[EvaluationForm], *, several: bool
) -> dict[tuple[str, str], str]:
    """A header per (form key, question key): the newest wording, older-only questions after."""
    columns: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for form in forms:
        for question in form.questions:
            key = (form.key, question.key)
            if key in columns:
                continue
            header = _header(question)
            if several:
                header = f"{form.key}: {header}"
            if header in used:
                header = f"{header} ({question.key})"
            used.add(header)
            columns[key] = header
    return columns


def _header(question: EvaluationQuestion) -> str:
    return f"{question.section}: {question.text}" if question.section else question.text


FOLLOW_UP_SHEET = "Commitment follow-ups"
FOLLOW_UP_HEADERS = (
    "Cohort",
    "Workshop",
    "Follow-up (days)",
    "Participant",
    "Asked at",
    "Answer",
    "Note",
    "Answered at",
)


def follow_up_table(session: Session, *, cohort_id: int | None = None) -> Table:
    """Each 30- and 90-day commitment follow-up asked: who, their answer (Yes / Partly / Not yet)
    and note. The follow-up is asked of a person by name, so its answers are named too."""
    rows: list[tuple[Cell, ...]] = [
        (
            answer.cohort_label,
            answer.session_title,
            answer.days,
            answer.participant,
            answer.asked_at,
            COMMITMENT_PROGRESS_LABELS[answer.answer] if answer.answer else None,
            answer.note,
            answer.answered_at,
        )
        for answer in follow_up_answers(
            session, cohort_ids=None if cohort_id is None else [cohort_id]
        )
    ]
    return Table(name=FOLLOW_UP_SHEET, headers=FOLLOW_UP_HEADERS, rows=rows)
