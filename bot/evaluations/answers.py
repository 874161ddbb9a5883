"""Filling in an evaluation: opening a request's form, checking answers, drafts and storing the response.

Answers are checked here even though Slack checks required inputs in the client, because a payload
can be crafted. A form too long for one modal is answered page by page: earlier pages wait in an
`EvaluationDraft`, and only the last page stores a response, in the transaction that marks the
request completed, so a partial answer is never a response. Nothing here logs answers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from bot.core.errors import CohortbotError, InvalidInput, NotFound, PermissionDenied
from bot.core.people import zone_of
from bot.core.timefmt import format_when
from bot.evaluations.forms import labels_for
from bot.evaluations.holding import HoldKey, StoredAnswer, hold_response
from bot.evaluations.pages import split_pages
from bot.evaluations.requests import cancel_owed
from bot.programmes.programmes import programme_zone
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType, SessionKind
from db.models import (
    EvaluationAnswer,
    EvaluationDraft,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
)

# What Slack sends for one question: an option value, several, the text typed, or nothing.
RawAnswer = str | Sequence[str] | None
CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
# Slack's longest text input; also the limit of a free-text question that sets none.
MAX_FREE_TEXT = 3000


def question_field(question_key: str) -> str:
    """The name of the answer field for the form question `question_key` (its input block's id)."""
    return f"evaluation.q.{question_key}"


class AlreadySent(CohortbotError):
    """The request was completed already (another click, another open modal)."""

    def __init__(self) -> None:
        super().__init__("You have already sent this evaluation — thank you.")


class EvaluationClosed(CohortbotError):
    """The form closed before this person sent it; `closed_on` is 'Tue 4 Jul, 10:00' or None."""

    def __init__(self, closed_on: str | None) -> None:
        self.closed_on = closed_on
        when = f" on {closed_on}" if closed_on else ""
        super().__init__(f"This evaluation closed{when}.")


class AnswerErrors(InvalidInput):
    """Answers that cannot be accepted: `errors` maps each question's block id to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field)
        self.errors = dict(errors)


@dataclass(frozen=True)
class Answer:
    """One stored answer: a scale position or yes/no (1/0), a chosen or typed text, or choices."""

    number: int | None = None
    text: str | None = None
    choices: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The answer as kept in a draft."""
        return {"number": self.number, "text": self.text, "choices": self.choices}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Answer:
        """An answer read back from a draft."""
        choices = data.get("choices")
        return cls(data.get("number"), data.get("text"), tuple(choices) if choices else None)


@dataclass(frozen=True)
class Question:
    """A question as the modal shows it; option values are '1'..'n' (yes/no: '1' and '0')."""

    key: str
    type: QuestionType
    text: str
    required: bool
    labels: tuple[str, ...]
    max_length: int | None
    section: str | None

    @classmethod
    def of(cls, question: EvaluationQuestion) -> Question:
        """The view of a stored question."""
        return cls(
            key=question.key,
            type=QuestionType(question.type),
            text=question.text,
            required=question.required,
            labels=labels_for(question),
            max_length=question.max_length,
            section=question.section,
        )

    @property
    def block_id(self) -> str:
        """The input block holding this question's answer."""
        return question_field(self.key)

    @property
    def text_limit(self) -> int:
        """The most characters a free-text answer may have."""
        return min(self.max_length or MAX_FREE_TEXT, MAX_FREE_TEXT)

    @property
    def values(self) -> tuple[str, ...]:
        """The value each option carries, in label order."""
        if self.type == QuestionType.YES_NO:
            return ("1", "0")
        return tuple(str(position) for position in range(1, len(self.labels) + 1))

    def selected(self, answer: Answer | None) -> tuple[str, ...]:
        """The option values `answer` picked (to pre-fill the modal)."""
        if answer is None:
            return ()
        if self.type in CHOICE_TYPES:
            picked = answer.choices or ((answer.text,) if answer.text else ())
            return tuple(
                v for v, label in zip(self.values, self.labels, strict=True) if label in picked
            )
        return (str(answer.number),) if answer.number is not None else ()

    def read(self, raw: RawAnswer) -> Answer | None:
        """The answer Slack sent, checked against this question; raises ValueError with a message."""
        if self.type == QuestionType.FREE_TEXT:
            return self._read_text(raw)
        picked = [raw] if isinstance(raw, str) else list(raw or ())
        if any(not isinstance(value, str) or value not in self.values for value in picked):
            raise ValueError("That is not one of the options for this question.")
        if not picked:
            if self.required:
                raise ValueError("Please answer this question.")
            return None
        if self.type == QuestionType.MULTIPLE_CHOICE:
            chosen = set(picked)
            return Answer(
                choices=tuple(
                    lab for v, lab in zip(self.values, self.labels, strict=True) if v in chosen
                )
            )
        if len(picked) > 1:
            raise ValueError("Please pick only one option.")
        if self.type == QuestionType.SINGLE_CHOICE:
            return Answer(text=self.labels[self.values.index(picked[0])])
        return Answer(number=int(picked[0]))

    def _read_text(self, raw: RawAnswer) -> Answer | None:
        if raw is not None and not isinstance(raw, str):
            raise ValueError("Please type your answer as text.")
        text = (raw or "").strip()
        if not text:
            if self.required:
                raise ValueError("Please write an answer here; it cannot be left blank.")
            return None
        if len(text) > self.text_limit:
            raise ValueError(
                f"Please keep this to {self.text_limit} characters; it is {len(text)} now."
            )
        return Answer(text=text)


@dataclass(frozen=True)
class FormPage:
    """One page of a form to show, with answers already given to pre-fill it."""

    request_id: int
    title: str
    intro: str | None
    anonymous: bool
    number: int
    count: int
    questions: tuple[Question, ...]
    given: Mapping[str, Answer] = field(default_factory=dict)
    # Why the person is back on this page, if they are.
    notice: str | None = None

    @property
    def is_last(self) -> bool:
        """Whether sending this page sends the form."""
        return self.number == self.count


@dataclass(frozen=True)
class Sent:
    """A response stored; `commitment_follow_up` when a workshop commitment will be asked about."""

    title: str
    commitment_follow_up: bool


def pages_of(form: EvaluationForm) -> tuple[tuple[Question, ...], ...]:
    """The questions on each modal page of `form` (the same split every time)."""
    return split_pages([Question.of(q) for q in form.questions], intro=_intro(form))


def _intro(form: EvaluationForm) -> str | None:
    intro = (form.definition or {}).get("intro")
    return str(intro) if intro else None


def closed_on(request: EvaluationRequest) -> str | None:
    """When the request closed, as the participant reads it ('Tue 4 Jul, 10:00'), if known."""
    if request.closes_at is None:
        return None
    return format_when(request.closes_at, zone_of(request.enrolment))


def _is_closed(request: EvaluationRequest, now: datetime) -> bool:
    if request.state in (EvaluationRequestState.EXPIRED, EvaluationRequestState.CANCELLED):
        return True
    return request.closes_at is not None and request.closes_at <= now


def _own_open_request(
    session: Session, request_id: int, *, slack_user_id: str, now: datetime
) -> EvaluationRequest:
    # Locked on PostgreSQL so two submissions of the same request queue up behind each other;
    # SQLite already serialises writers.
    request = session.scalars(
        select(EvaluationRequest).where(EvaluationRequest.id == request_id).with_for_update()
    ).one_or_none()
    if request is None:
        raise NotFound("I cannot find that evaluation any more; nothing was changed.")
    if request.enrolment.person.slack_user_id != slack_user_id:
        raise PermissionDenied(
            "This evaluation was sent to someone else, so only they can fill it in."
        )
    if request.state == EvaluationRequestState.COMPLETED:
        raise AlreadySent()
    if _is_closed(request, now):
        # A request cancelled (or closed) early must not say it closed on a day still to come.
        past = request.closes_at is not None and request.closes_at <= now
        raise EvaluationClosed(closed_on(request) if past else None)
    return request


def _draft_answers(session: Session, request_id: int) -> dict[str, Answer]:
    draft = session.get(EvaluationDraft, request_id)
    stored = draft.answers if draft is not None else {}
    return {key: Answer.from_json(value) for key, value in stored.items()}


def _page(
    request: EvaluationRequest,
    pages: tuple[tuple[Question, ...], ...],
    number: int,
    given: Mapping[str, Answer],
    notice: str | None = None,
) -> FormPage:
    form = request.form
    return FormPage(
        request_id=request.id,
        title=form.title,
        intro=_intro(form),
        anonymous=form.anonymous,
        number=number,
        count=len(pages),
        questions=pages[number - 1],
        given=given,
        notice=notice,
    )


def open_form(session: Session, request_id: int, *, slack_user_id: str, now: datetime) -> FormPage:
    """The first page of the form `request_id` asks `slack_user_id` to fill in, with any draft."""
    request = _own_open_request(session, request_id, slack_user_id=slack_user_id, now=now)
    return _page(request, pages_of(request.form), 1, _draft_answers(session, request.id))


def read_page(questions: Sequence[Question], raw: Mapping[str, RawAnswer]) -> dict[str, Answer]:
    """The answers to `questions` (raw values keyed by question key); raises `AnswerErrors`."""
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            answer = question.read(raw.get(question.key))
        except ValueError as error:
            errors[question.block_id] = str(error)
            continue
        if answer is not None:
            answers[question.key] = answer
    if errors:
        raise AnswerErrors(errors)
    return answers


def submit_page(
    session: Session,
    request_id: int,
    *,
    page: int,
    raw: Mapping[str, RawAnswer],
    slack_user_id: str,
    now: datetime,
    hold_key: HoldKey,
    rng: random.Random | None = None,
) -> FormPage | Sent:
    """Take one page's answers: the next page to show, or (after the last page) the stored response.

    An anonymous response is held back, sealed with `hold_key`, until its group can hide it
    (`bot/evaluations/holding.py`); `rng` shuffles a released batch (the system's by default).
    """
    request = _own_open_request(session, request_id, slack_user_id=slack_user_id, now=now)
    pages = pages_of(request.form)
    if not 1 <= page <= len(pages):
        raise InvalidInput(
            "That page is not part of this form; please open it again from the message."
        )
    answers = _draft_answers(session, request.id)
    for question in pages[page - 1]:
        answers.pop(question.key, None)
    answers.update(read_page(pages[page - 1], raw))
    if page < len(pages):
        _save_draft(session, request.id, answers, now)
        return _page(request, pages, page + 1, answers)
    for number, questions in enumerate(pages, start=1):
        if any(q.required and q.key not in answers for q in questions):
            # Only reachable with a crafted or stale page number: send them back to fill it in.
            _save_draft(session, request.id, answers, now)
            notice = "Some answers on this page are missing; please check them and carry on."
            return _page(request, pages, number, answers, notice)
    _store_response(session, request, answers, now, hold_key=hold_key, rng=rng)
    return Sent(title=request.form.title, commitment_follow_up=_follows_up(request, answers))


def _save_draft(
    session: Session, request_id: int, answers: Mapping[str, Answer], now: datetime
) -> None:
    stored = {key: answer.to_json() for key, answer in answers.items()}
    draft = session.get(EvaluationDraft, request_id)
    if draft is None:
        session.add(EvaluationDraft(request_id=request_id, answers=stored, updated_at=now))
    else:
        # A new dict, so SQLAlchemy sees the JSON column change.
        draft.answers = stored
        draft.updated_at = now


def _store_response(
    session: Session,
    request: EvaluationRequest,
    answers: Mapping[str, Answer],
    now: datetime,
    *,
    hold_key: HoldKey,
    rng: random.Random | None,
) -> None:
    """Mark the request completed and store the response, in the caller's one transaction."""
    # The guarded update is what refuses a second submission: of two racing transactions only
    # one finds the request still open (PostgreSQL re-checks the WHERE after the row lock).
    completed = cast(
        CursorResult[Any],
        session.execute(
            update(EvaluationRequest)
            .where(
                EvaluationRequest.id == request.id,
                EvaluationRequest.state == EvaluationRequestState.OPEN,
            )
            .values(state=EvaluationRequestState.COMPLETED)
        ),
    )
    if completed.rowcount != 1:
        raise AlreadySent()
    form = request.form
    ids = {question.key: question.id for question in form.questions}
    stored: list[StoredAnswer] = [
        (
            ids[key],
            answer.number,
            answer.text,
            list(answer.choices) if answer.choices is not None else None,
        )
        for key, answer in answers.items()
        if key in ids
    ]
    if form.anonymous:
        hold_response(session, request, stored, key=hold_key, now=now, rng=rng)
    else:
        session.add(
            EvaluationResponse(
                form_id=form.id,
                session_id=request.session_id,
                cohort_id=request.cohort_id,
                enrolment_id=request.enrolment_id,
                submitted_on=now.astimezone(programme_zone(request.cohort)).date(),
                submitted_at=now,
                answers=[
                    EvaluationAnswer(
                        question_id=question_id,
                        value_number=number,
                        value_text=text,
                        value_choices=choices,
                    )
                    for question_id, number, text, choices in stored
                ],
            )
        )
    session.execute(delete(EvaluationDraft).where(EvaluationDraft.request_id == request.id))
    # A reminder queued moments ago must not chase someone who has just replied.
    cancel_owed(session, [request.id], "evaluation completed")


def _follows_up(request: EvaluationRequest, answers: Mapping[str, Answer]) -> bool:
    """Whether a workshop commitment was written, which is asked about after 30 and 90 days."""
    workshop = request.session is not None and request.session.kind == SessionKind.WORKSHOP
    return workshop and any(
        q.purpose == QuestionPurpose.COMMITMENT and q.key in answers for q in request.form.questions
    )
