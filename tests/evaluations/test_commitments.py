"""Commitment follow-ups: asked 30 and 90 days after a workshop, answered through Slack."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import InvalidInput, PermissionDenied
from bot.evaluations.commitments import (
    FOLLOW_UP_KIND,
    answer_follow_up,
    follow_up_key,
    follow_up_summary,
    owe_follow_ups,
)
from bot.evaluations.forms import latest_form
from bot.evaluations.messages import FollowUpFacts
from bot.runtime import Runtime
from bot.slack.blocks.commitments import follow_up_message
from bot.slack.ids.evaluations import COMMITMENT_NOTE_INPUT, ActionId, BlockId, CallbackId
from bot.standin import SlackStandin
from bot.standin.block_validation import check_message_blocks
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import (
    CommitmentProgress,
    EvaluationRequestState,
    QuestionPurpose,
    QuestionType,
    SessionKind,
)
from db.models import (
    CommitmentFollowUp,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationRequest,
    EvaluationResponse,
    OutboundMessage,
    ProgrammeSession,
)
from scheduling.delivery import deliver_due
from scheduling.evaluations import follow_up_commitments
from tests.attendance.test_attendance import opened_view, press
from tests.evaluations.test_evaluation_requests import A, B, C, D, workshop
from tests.fixtures.bot import NOW, PARTICIPANT
from tests.support.evaluations import Q, make_form
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
# ENDED is on Mon 30 Jan 2017.
DAY_30 = date(2017, 3, 1)
DAY_90 = date(2017, 4, 30)
COMMITMENT = "Speak up at <!channel> board meetings & lead one"
OTHER = "UOTHER01"
E = "UPARTE01"


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


def commitment_form(session: Session, *, anonymous: bool = False) -> EvaluationForm:
    return make_form(
        session,
        key="workshop",
        attached_to="workshop",
        anonymous=anonymous,
        questions=[
            Q("overall", QuestionType.RATING5, purpose=QuestionPurpose.OVERALL),
            Q("commitment", QuestionType.FREE_TEXT, purpose=QuestionPurpose.COMMITMENT),
            Q(
                "category",
                QuestionType.SINGLE_CHOICE,
                options=("Visibility and profile", "Other"),
                purpose=QuestionPurpose.COMMITMENT_CATEGORY,
            ),
        ],
    )


def responded(
    session: Session,
    form: EvaluationForm,
    programme_session: ProgrammeSession,
    enrolment: Enrolment,
    commitment: str | None,
    category: str | None = "Visibility and profile",
) -> None:
    """`enrolment` completed `form` about the workshop, with this commitment (named or not)."""
    session.add(
        EvaluationRequest(
            form=form,
            enrolment=enrolment,
            cohort_id=programme_session.cohort_id,
            session=programme_session,
            opened_at=programme_session.ends_at,
            closes_at=programme_session.ends_at + timedelta(days=14),
            state=EvaluationRequestState.COMPLETED,
        )
    )
    by_purpose = {q.purpose: q for q in form.questions if q.purpose}
    answers = []
    if commitment is not None:
        answers.append(
            EvaluationAnswer(question=by_purpose[QuestionPurpose.COMMITMENT], value_text=commitment)
        )
    if category is not None:
        answers.append(
            EvaluationAnswer(
                question=by_purpose[QuestionPurpose.COMMITMENT_CATEGORY], value_text=category
            )
        )
    named = not form.anonymous
    session.add(
        EvaluationResponse(
            form=form,
            session=programme_session,
            cohort_id=programme_session.cohort_id,
            enrolment_id=enrolment.id if named else None,
            submitted_on=programme_session.ends_at.date(),
            submitted_at=programme_session.ends_at if named else None,
            answers=answers,
        )
    )
    session.flush()


def follow_ups(session: Session) -> list[tuple[str, date]]:
    rows = session.scalars(select(CommitmentFollowUp).order_by(CommitmentFollowUp.id))
    return [(str(r.enrolment.person.slack_user_id), r.due_on) for r in rows]


def owe(db: sessionmaker[Session], at: datetime) -> int:
    with unit_of_work(db) as session:
        return owe_follow_ups(session, at)


@pytest.fixture
def named_workshop(db: sessionmaker[Session]) -> sessionmaker[Session]:
    """A workshop where A wrote a commitment, B left it blank and C did not respond."""
    with unit_of_work(db) as session:
        programme_session, (a, b, _) = workshop(session, (A, B, C))
        form = commitment_form(session)
        responded(session, form, programme_session, a.enrolment, COMMITMENT)
        responded(session, form, programme_session, b.enrolment, "  ", category=None)
    return db


def test_the_commitment_is_followed_up_on_day_30_and_day_90_once_each(
    named_workshop: sessionmaker[Session],
) -> None:
    db = named_workshop
    assert owe(db, morning(DAY_30 - timedelta(days=1))) == 0
    assert owe(db, morning(DAY_30)) == 1
    assert owe(db, morning(DAY_30) + timedelta(hours=1)) == 0
    assert owe(db, morning(DAY_90 - timedelta(days=1))) == 0
    assert owe(db, morning(DAY_90)) == 1
    with unit_of_work(db) as session:
        assert follow_ups(session) == [(A, DAY_30), (A, DAY_90)]
        first = session.scalars(select(CommitmentFollowUp).order_by(CommitmentFollowUp.id)).first()
        assert first is not None
        dm = session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.idempotency_key == follow_up_key(first.id)
            )
        ).one()
        assert (dm.kind, dm.recipient, dm.due_at) == (FOLLOW_UP_KIND, A, morning(DAY_30))
        shown = dm.payload["blocks"][0]["text"]["text"]
        assert "It's 30 days since *Launch workshop* (Mon 30 Jan)" in shown
        assert "(_Visibility and profile_)" in shown
        assert "\n>Speak up at &lt;!channel&gt; board meetings &amp; lead one\n" in shown


def test_a_long_commitment_full_of_ampersands_still_makes_a_message_slack_accepts() -> None:
    commitment = "\n".join(["R&D, Q&A & <board> papers " * 20] * 4)  # 2,000 characters quoted
    facts = FollowUpFacts(
        follow_up_id=1,
        session_title="Launch workshop",
        session_day=date(2017, 1, 30),
        days=30,
        commitment=commitment,
        category="Visibility and profile",
        answer=None,
        note=None,
    )

    blocks = [block.to_dict() for block in follow_up_message(facts).blocks]

    assert check_message_blocks(blocks) is None
    assert "R&amp;D, Q&amp;A &amp; &lt;board&gt; papers" in blocks[0]["text"]["text"]


def test_a_follow_up_missed_for_a_fortnight_is_not_sent_late(
    named_workshop: sessionmaker[Session],
) -> None:
    assert owe(named_workshop, morning(DAY_30 + timedelta(days=14))) == 0


def test_after_an_anonymous_workshop_form_everyone_who_completed_it_is_asked_without_a_quote(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        programme_session, (a, b, _) = workshop(session, (A, B, C))
        form = commitment_form(session, anonymous=True)
        responded(session, form, programme_session, a.enrolment, COMMITMENT)
        responded(session, form, programme_session, b.enrolment, None)
    assert owe(db, morning(DAY_30)) == 2
    with unit_of_work(db) as session:
        assert follow_ups(session) == [(A, DAY_30), (B, DAY_30)]
        for dm in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)):
            shown = dm.payload["blocks"][0]["text"]["text"]
            assert "Speak up" not in shown
            assert "where you wrote down one change you would make" in shown


def test_only_the_participant_may_answer_and_answering_again_updates(
    named_workshop: sessionmaker[Session],
) -> None:
    db = named_workshop
    owe(db, morning(DAY_30))
    with unit_of_work(db) as session:
        follow_up_id = session.scalars(select(CommitmentFollowUp.id)).one()

    def answer(who: str, progress: CommitmentProgress, note: str | None) -> Any:
        with unit_of_work(db) as session:
            return answer_follow_up(
                session,
                follow_up_id=follow_up_id,
                slack_user_id=who,
                answer=progress,
                note=note,
                now=morning(DAY_30 + timedelta(days=1)),
            )

    with pytest.raises(PermissionDenied, match="only they can answer"):
        answer(B, CommitmentProgress.YES, None)
    with pytest.raises(InvalidInput, match="500 characters; it has 501"):
        answer(A, CommitmentProgress.YES, "x" * 501)
    first = answer(A, CommitmentProgress.NOT_YET, "  ")
    assert (first.answer, first.note, first.updated) == (CommitmentProgress.NOT_YET, None, False)
    again = answer(A, CommitmentProgress.YES, "Done at last")
    assert (again.answer, again.note, again.updated) == (
        CommitmentProgress.YES,
        "Done at last",
        True,
    )


def test_the_summary_counts_answers_by_day(db: sessionmaker[Session]) -> None:
    people = (A, B, C, D, E)
    with unit_of_work(db) as session:
        programme_session, invitations = workshop(session, people)
        form = commitment_form(session)
        for invitation in invitations:
            responded(session, form, programme_session, invitation.enrolment, COMMITMENT)
    assert owe(db, morning(DAY_30)) == 5
    assert owe(db, morning(DAY_90)) == 5
    with unit_of_work(db) as session:
        first = session.scalars(select(CommitmentFollowUp).order_by(CommitmentFollowUp.id)).first()
        assert first is not None
        first.answer = CommitmentProgress.PARTLY
        cohort_id = first.session.cohort_id
    with unit_of_work(db) as session:
        summary = follow_up_summary(session)
        assert summary is not None
        assert summary == follow_up_summary(session, cohort_ids=[cohort_id])
        assert {key: count for key, count in summary.items() if count} == {
            "30_partly": 1,
            "30_no_answer": 4,
            "90_no_answer": 5,
        }
        assert len(summary) == 8
        other_cohort = follow_up_summary(session, cohort_ids=[cohort_id + 1])
        assert other_cohort is not None and set(other_cohort.values()) == {0}


def test_the_summary_is_withheld_while_fewer_than_five_were_asked(
    named_workshop: sessionmaker[Session],
) -> None:
    db = named_workshop
    owe(db, morning(DAY_30))
    with unit_of_work(db) as session:
        first = session.scalars(select(CommitmentFollowUp)).one()
        first.answer = CommitmentProgress.NOT_YET
    with unit_of_work(db) as session:
        # One person asked, one "not yet": a figure that would name them.
        assert follow_up_summary(session) is None


# Through Slack


def setup_slack_workshop(runtime: Runtime) -> None:
    """A workshop 30 days ago whose built-in (named) form PARTICIPANT filled in."""
    with unit_of_work(runtime.session_factory) as session:
        programme_session, (invitation,) = programme_with_session(
            session,
            starts_at=NOW - timedelta(days=30, hours=8),
            kind=SessionKind.WORKSHOP,
        )
        programme_session.title = "Launch workshop"
        form = latest_form(session, "workshop")
        assert not form.anonymous
        responded(session, form, programme_session, invitation.enrolment, COMMITMENT)


def dm_of(standin: SlackStandin, user: str) -> Any:
    (dm,) = standin.messages_in(user)
    return dm


def test_the_follow_up_is_answered_partly_with_a_note_and_the_dm_shows_it(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup_slack_workshop(runtime)
    deps = runtime.tick_dependencies()
    assert follow_up_commitments(deps, NOW).summary == "asked 1 commitment follow-up(s)"
    deliver_due(deps.uow, deps.client, NOW)
    dm = dm_of(standin, PARTICIPANT)
    assert "&lt;!channel&gt;" in dm.blocks[0]["text"]["text"]

    press(slack, standin, PARTICIPANT, dm, ActionId.COMMITMENT_PARTLY)
    modal = opened_view(standin)
    assert modal["callback_id"] == CallbackId.COMMITMENT_NOTE
    assert "You are answering *Partly*" in modal["blocks"][0]["text"]["text"]

    result = slack.interaction(
        standin.view_submission(
            modal["id"],
            user_id=PARTICIPANT,
            values={
                BlockId.COMMITMENT_NOTE: {
                    COMMITMENT_NOTE_INPUT: {
                        "type": "plain_text_input",
                        "value": "Spoke <twice> at board",
                    }
                }
            },
        )
    )

    answer = result.json()
    assert answer["response_action"] == "update"
    assert "your answer, *Partly*, is recorded" in answer["view"]["blocks"][0]["text"]["text"]
    with unit_of_work(runtime.session_factory) as session:
        follow_up = session.scalars(select(CommitmentFollowUp)).one()
        assert (follow_up.answer, follow_up.note, follow_up.answered_at) == (
            CommitmentProgress.PARTLY,
            "Spoke <twice> at board",
            NOW,
        )
    standin.wait_for("chat.update")
    updated = dm_of(standin, PARTICIPANT)
    context = updated.blocks[-1]["elements"][0]["text"]
    assert context.startswith("Thank you: you answered *Partly*")
    assert '"Spoke &lt;twice&gt; at board"' in context
    # The buttons stay, so the answer can be changed; the chosen one stands out.
    styles = {e["action_id"]: e.get("style") for e in updated.blocks[1]["elements"]}
    assert styles[ActionId.COMMITMENT_PARTLY] == "primary"

    press(slack, standin, PARTICIPANT, updated, ActionId.COMMITMENT_YES)
    again = opened_view(standin, count=2)
    assert again["blocks"][1]["element"]["initial_value"] == "Spoke <twice> at board"
    result = slack.interaction(standin.view_submission(again["id"], user_id=PARTICIPANT, values={}))
    assert "*Updated:* your answer is now *Yes*" in str(result.json())


def test_someone_else_pressing_the_buttons_is_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    standin.add_user(OTHER, name="Olly Other", email="olly@example.nhs.uk")
    setup_slack_workshop(runtime)
    deps = runtime.tick_dependencies()
    follow_up_commitments(deps, NOW)
    deliver_due(deps.uow, deps.client, NOW)
    seen = len(standin.responses)

    press(slack, standin, OTHER, dm_of(standin, PARTICIPANT), ActionId.COMMITMENT_YES)

    standin.wait_for(lambda: len(standin.responses) > seen)
    refusal = standin.responses[seen][1]
    assert "only they can answer it" in refusal["text"]
    assert refusal.get("replace_original") is False
    assert standin.calls_to("views.open") == []
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(CommitmentFollowUp)).one().answer is None
