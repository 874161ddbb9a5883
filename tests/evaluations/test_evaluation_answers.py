"""Filling in an evaluation: checking answers, drafts between pages, storing, anonymity, closing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import InvalidInput, PermissionDenied
from bot.evaluations.answers import (
    AlreadySent,
    AnswerErrors,
    EvaluationClosed,
    FormPage,
    Question,
    RawAnswer,
    Sent,
    open_form,
    pages_of,
    submit_page,
)
from bot.evaluations.forms import builtin_forms, latest_form, sync_forms
from bot.evaluations.holding import HoldKey
from bot.evaluations.pages import split_pages
from bot.slack.blocks.evaluation_form import form_page_view
from bot.slack.ids.evaluations import question_block_id
from bot.standin.block_validation import check_view
from db.engine import unit_of_work
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType, SessionKind
from db.models import (
    EvaluationAnswer,
    EvaluationDraft,
    EvaluationForm,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
)
from tests.support.evaluations import Q, make_form
from tests.support.people import programme_with_session

PARTICIPANT = "UPART001"
OTHER = "UPART002"
NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
KEY = HoldKey.derive("0123456789abcdef0123456789abcdef")
WORKSHOP_STARTS = datetime(2017, 1, 31, 9, 0, tzinfo=UTC)

EVERY_TYPE = [
    Q("overall", QuestionType.RATING5, section="Overall", purpose=QuestionPurpose.OVERALL),
    Q("objectives", QuestionType.OBJECTIVES_MET, section="Overall"),
    Q("confident", QuestionType.AGREEMENT5),
    Q("again", QuestionType.YES_NO),
    Q("venue", QuestionType.SINGLE_CHOICE, options=("Leeds", "York", "Online")),
    Q("topics", QuestionType.MULTIPLE_CHOICE, options=("Finance", "People", "Strategy")),
    Q("commitment", QuestionType.FREE_TEXT, max_length=40, purpose=QuestionPurpose.COMMITMENT),
    Q("anything", QuestionType.FREE_TEXT, required=False, max_length=200),
]
EVERY_ANSWER: dict[str, RawAnswer] = {
    "overall": "2",
    "objectives": "1",
    "confident": "5",
    "again": "0",
    "venue": "3",
    "topics": ["3", "1"],
    "commitment": "  Delegate the rota  ",
    "anything": "",
}


def ask(
    session: Session,
    form: EvaluationForm,
    *,
    closes_at: datetime | None = NOW + timedelta(days=14),
    kind: SessionKind = SessionKind.WORKSHOP,
) -> list[int]:
    """A workshop attended by PARTICIPANT and OTHER, each asked to fill in `form`; request ids."""
    programme_session, invitations = programme_with_session(
        session, starts_at=WORKSHOP_STARTS, people={PARTICIPANT: None, OTHER: None}, kind=kind
    )
    requests = [
        EvaluationRequest(
            form=form,
            enrolment=invitation.enrolment,
            cohort=programme_session.cohort,
            session=programme_session,
            opened_at=NOW - timedelta(days=1),
            closes_at=closes_at,
        )
        for invitation in invitations
    ]
    session.add_all(requests)
    session.flush()
    return [request.id for request in requests]


def asked(
    db: sessionmaker[Session],
    questions: list[Q],
    *,
    closes_at: datetime | None = NOW + timedelta(days=14),
    **form_options: Any,
) -> int:
    """PARTICIPANT's request for a new form with `questions`."""
    with unit_of_work(db) as session:
        form = make_form(session, questions=questions, **form_options)
        return ask(session, form, closes_at=closes_at)[0]


def submit(
    db: sessionmaker[Session],
    request_id: int,
    raw: dict[str, RawAnswer],
    *,
    page: int = 1,
    user: str = PARTICIPANT,
    now: datetime = NOW,
) -> FormPage | Sent:
    with unit_of_work(db) as session:
        return submit_page(
            session, request_id, page=page, raw=raw, slack_user_id=user, now=now, hold_key=KEY
        )


def stored(db: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Every stored answer as (question key: value), one dict per response."""
    with unit_of_work(db) as session:
        rows = session.execute(
            select(EvaluationAnswer, EvaluationQuestion.key)
            .join(EvaluationQuestion)
            .order_by(EvaluationAnswer.response_id, EvaluationQuestion.position)
        ).all()
        found: dict[str, dict[str, Any]] = {}
        for answer, key in rows:
            value = answer.value_choices or answer.value_text
            found.setdefault(answer.response_id, {})[key] = (
                answer.value_number if value is None else value
            )
        return list(found.values())


def state_of(db: sessionmaker[Session], request_id: int) -> EvaluationRequestState:
    with unit_of_work(db) as session:
        request = session.get(EvaluationRequest, request_id)
        assert request is not None
        return request.state


def test_each_question_type_is_stored_as_the_forms_module_documents(
    db: sessionmaker[Session],
) -> None:
    request_id = asked(db, EVERY_TYPE)

    sent = submit(db, request_id, EVERY_ANSWER)

    assert sent == Sent(title="Test evaluation", commitment_follow_up=True)
    assert stored(db) == [
        {
            "overall": 2,
            "objectives": 1,
            "confident": 5,
            "again": 0,
            "venue": "Online",
            "topics": ["Finance", "Strategy"],
            "commitment": "Delegate the rota",
        }
    ]
    assert state_of(db, request_id) == EvaluationRequestState.COMPLETED
    with unit_of_work(db) as session:
        response = session.scalars(select(EvaluationResponse)).one()
        assert (response.submitted_on, response.submitted_at) == (date(2017, 2, 1), NOW)
        assert response.enrolment_id is not None


def test_a_commitment_is_only_followed_up_after_a_workshop(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        form = make_form(session, questions=EVERY_TYPE, attached_to="action_learning_set")
        request_id = ask(session, form, kind=SessionKind.ACTION_LEARNING_SET)[0]

    assert submit(db, request_id, EVERY_ANSWER) == Sent("Test evaluation", False)


def test_every_mistake_on_a_page_is_reported_at_once_and_nothing_is_stored(
    db: sessionmaker[Session],
) -> None:
    request_id = asked(db, EVERY_TYPE)
    wrong = {
        **EVERY_ANSWER,
        "overall": None,
        "venue": "4",
        "topics": ["1", "9"],
        "commitment": "x" * 41,
        "again": ["1", "0"],
    }

    with pytest.raises(AnswerErrors) as raised:
        submit(db, request_id, wrong)

    assert raised.value.errors == {
        question_block_id("overall"): "Please answer this question.",
        question_block_id("again"): "Please pick only one option.",
        question_block_id("venue"): "That is not one of the options for this question.",
        question_block_id("topics"): "That is not one of the options for this question.",
        question_block_id("commitment"): "Please keep this to 40 characters; it is 41 now.",
    }
    with pytest.raises(AnswerErrors) as blank:
        submit(db, request_id, {**EVERY_ANSWER, "commitment": "   "})
    assert blank.value.errors == {
        question_block_id("commitment"): "Please write an answer here; it cannot be left blank."
    }
    assert stored(db) == []
    assert state_of(db, request_id) == EvaluationRequestState.OPEN


def test_only_the_person_asked_can_open_or_send_the_form(db: sessionmaker[Session]) -> None:
    request_id = asked(db, EVERY_TYPE)

    with unit_of_work(db) as session, pytest.raises(PermissionDenied) as refused:
        open_form(session, request_id, slack_user_id=OTHER, now=NOW)
    with pytest.raises(PermissionDenied):
        submit(db, request_id, EVERY_ANSWER, user=OTHER)

    assert (
        str(refused.value)
        == "This evaluation was sent to someone else, so only they can fill it in."
    )
    assert stored(db) == []


def test_a_second_submission_is_refused_and_one_response_is_kept(
    db: sessionmaker[Session],
) -> None:
    request_id = asked(db, EVERY_TYPE)
    submit(db, request_id, EVERY_ANSWER)

    with pytest.raises(AlreadySent) as again:
        submit(db, request_id, EVERY_ANSWER)
    with unit_of_work(db) as session, pytest.raises(AlreadySent):
        open_form(session, request_id, slack_user_id=PARTICIPANT, now=NOW)

    assert str(again.value) == "You have already sent this evaluation — thank you."
    assert len(stored(db)) == 1


def test_two_racing_submissions_store_one_response(db: sessionmaker[Session]) -> None:
    request_id = asked(db, EVERY_TYPE)
    outcomes: list[object] = []

    def second() -> None:
        try:
            outcomes.append(submit(db, request_id, EVERY_ANSWER))
        except AlreadySent as error:
            outcomes.append(error)

    with unit_of_work(db) as session:
        submit_page(
            session,
            request_id,
            page=1,
            raw=EVERY_ANSWER,
            slack_user_id=PARTICIPANT,
            now=NOW,
            hold_key=KEY,
        )
        # The second modal's submission arrives while the first is still being stored; it waits
        # for the request row (PostgreSQL lock, SQLite write lock) and then finds it completed.
        racer = threading.Thread(target=second)
        racer.start()
    racer.join()

    assert [type(outcome) for outcome in outcomes] == [AlreadySent]
    assert len(stored(db)) == 1


def test_a_closed_form_says_when_it_closed_and_keeps_nothing(db: sessionmaker[Session]) -> None:
    request_id = asked(db, EVERY_TYPE, closes_at=datetime(2017, 7, 4, 9, 0, tzinfo=UTC))
    late = datetime(2017, 7, 4, 9, 0, tzinfo=UTC)

    with pytest.raises(EvaluationClosed) as closed:
        submit(db, request_id, EVERY_ANSWER, now=late)
    with unit_of_work(db) as session, pytest.raises(EvaluationClosed):
        open_form(session, request_id, slack_user_id=PARTICIPANT, now=late)

    assert str(closed.value) == "This evaluation closed on Tue 4 Jul, 10:00."
    assert closed.value.closed_on == "Tue 4 Jul, 10:00"
    assert stored(db) == []


@pytest.mark.parametrize(
    "state", [EvaluationRequestState.EXPIRED, EvaluationRequestState.CANCELLED]
)
def test_an_expired_or_cancelled_request_is_closed_before_its_time(
    db: sessionmaker[Session], state: EvaluationRequestState
) -> None:
    request_id = asked(db, EVERY_TYPE)
    with unit_of_work(db) as session:
        request = session.get(EvaluationRequest, request_id)
        assert request is not None
        request.state = state

    with pytest.raises(EvaluationClosed) as closed:
        submit(db, request_id, EVERY_ANSWER)
    # Not "closed on" its original closing day, which is still to come.
    assert (closed.value.closed_on, str(closed.value)) == (None, "This evaluation closed.")
    assert stored(db) == []


def long_form(count: int = 120) -> list[Q]:
    """`count` questions in sections of 15, alternating between types."""
    kinds = (QuestionType.RATING5, QuestionType.YES_NO, QuestionType.AGREEMENT5)
    return [Q(f"q{n:03}", kinds[n % 3], section=f"Part {n // 15 + 1}") for n in range(count)]


def test_a_long_form_is_split_into_pages_that_fit_a_modal_keeping_sections_whole() -> None:
    questions = long_form()

    pages = split_pages(questions, intro="Tell us how it went.")

    assert [len(page) for page in pages] == [90, 30]
    assert all(len({q.section for q in page}) == len(page) // 15 for page in pages)


def test_a_section_longer_than_a_page_is_cut_and_its_heading_repeated() -> None:
    questions = [Q(f"q{n:03}", QuestionType.YES_NO, section="Everything") for n in range(150)]

    pages = split_pages(questions, intro=None)

    # Page 1: 100 blocks less 3 lines and the heading; page 2: less 2 lines and the heading.
    assert [len(page) for page in pages] == [96, 54]


def test_an_intro_that_escaping_lengthens_still_leaves_the_first_page_within_a_modal() -> None:
    # 1,700 characters as written, over 7,000 once '<', '&' and '>' are escaped: three sections.
    intro = "\n".join(["<&>" * 28] * 20)
    questions = [
        Question(f"q{n:03}", QuestionType.YES_NO, f"Question {n}?", True, ("Yes", "No"), None, None)
        for n in range(120)
    ]

    pages = split_pages(questions, intro=intro)
    first = FormPage(
        request_id=1,
        title="Feedback",
        intro=intro,
        anonymous=True,
        number=1,
        count=len(pages),
        questions=pages[0],
    )
    view = form_page_view(first).to_dict()

    assert len(view["blocks"]) <= 100
    assert check_view(view, expected_type="modal") is None


def test_a_long_form_keeps_earlier_pages_as_a_draft_and_stores_one_response_at_the_end(
    db: sessionmaker[Session],
) -> None:
    request_id = asked(db, long_form())
    with unit_of_work(db) as session:
        first = open_form(session, request_id, slack_user_id=PARTICIPANT, now=NOW)
    assert (first.number, first.count, len(first.questions)) == (1, 2, 90)
    assert len(form_page_view(first).blocks) <= 100

    second = submit(db, request_id, {q.key: "1" for q in first.questions})

    assert isinstance(second, FormPage)
    assert (second.number, second.is_last) == (2, True)
    assert len(form_page_view(second).blocks) <= 100
    with unit_of_work(db) as session:
        draft = session.get(EvaluationDraft, request_id)
        assert draft is not None and len(draft.answers) == 90
        # Reopened from the DM, page 1 comes back filled in.
        again = open_form(session, request_id, slack_user_id=PARTICIPANT, now=NOW)
        assert len(again.given) == 90
    assert stored(db) == []
    assert state_of(db, request_id) == EvaluationRequestState.OPEN

    sent = submit(db, request_id, {q.key: "1" for q in second.questions}, page=2)

    assert isinstance(sent, Sent)
    (answers,) = stored(db)
    assert len(answers) == 120
    with unit_of_work(db) as session:
        assert session.scalar(select(func.count()).select_from(EvaluationDraft)) == 0


def test_skipping_to_the_last_page_sends_the_person_back_to_what_is_missing(
    db: sessionmaker[Session],
) -> None:
    request_id = asked(db, long_form())
    pages = split_pages(long_form(), intro=None)

    back = submit(db, request_id, {q.key: "1" for q in pages[1]}, page=2)

    assert isinstance(back, FormPage)
    assert back.number == 1
    assert back.notice == "Some answers on this page are missing; please check them and carry on."
    assert stored(db) == []
    with pytest.raises(InvalidInput):
        submit(db, request_id, {}, page=3)


def test_every_built_in_form_makes_modal_pages_slack_accepts(db: sessionmaker[Session]) -> None:
    definitions = builtin_forms()
    with unit_of_work(db) as session:
        sync_forms(session, definitions)
        for definition in definitions:
            form = latest_form(session, definition.key)
            pages = pages_of(form)
            for number, questions in enumerate(pages, start=1):
                page = FormPage(
                    request_id=1,
                    title=form.title,
                    intro=form.definition.get("intro"),
                    anonymous=form.anonymous,
                    number=number,
                    count=len(pages),
                    questions=questions,
                )
                view = form_page_view(page).to_dict()
                assert check_view(view, expected_type="modal") is None, (form.key, number)
                assert view["title"]["text"] == form.title
