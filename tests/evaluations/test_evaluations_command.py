"""`/cohort evaluations` through the signed endpoint and the Slack stand-in."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bot.core.audit import actor_of, values_of
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType
from db.models import (
    AuditEvent,
    EvaluationForm,
    EvaluationRequest,
    OutboundMessage,
    ProgrammeSession,
)
from scheduling.delivery import deliver_due
from tests.enrolment.test_enrolment import audit_actions
from tests.evaluations.results_data import Group, ask, make_group, respond, workshop_form
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.evaluations import Q, make_form

# The bot syncs its built-in forms at start-up, so test forms take keys of their own.
WS = "ws_test"
CONFIDENCE = QuestionPurpose.CONFIDENCE
COMMENTS = ["Loved it", "<!channel> more breaks", "Great venue", "Too long", "Useful"]


def reply(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """Send `/cohort text`; the whole reply (fallback and every block's text) as one string."""
    seen = len(standin.responses)
    result = slack.slash_command(user_id, text)
    assert result.status == 200
    payload: dict[str, Any] = {}
    if result.body and result.json().get("text"):
        payload = result.json()
    else:
        standin.wait_for(lambda: len(standin.responses) > seen, timeout=10)
        payload = standin.responses[seen][1]
    assert len(payload.get("blocks", [])) <= 50
    texts = [block["text"]["text"] for block in payload.get("blocks", []) if "text" in block]
    return "\n".join([str(payload["text"]), *texts])


def workshop_with_requests(runtime: Runtime, *, size: int = 6, anonymous: bool = False) -> Group:
    """A cohort of `size` invited to a workshop, each asked to evaluate it."""
    with unit_of_work(runtime.session_factory) as session:
        group = make_group(session, size=size)
        form = workshop_form(session, key=WS, anonymous=anonymous)
        for enrolment in group.people:
            ask(session, form, enrolment, group.workshop)
        return group


def complete(runtime: Runtime, group: Group, index: int, answers: dict[str, Any]) -> None:
    """Person `index` completes their workshop request with `answers`."""
    with unit_of_work(runtime.session_factory) as session:
        request = session.scalars(
            select(EvaluationRequest).where(
                EvaluationRequest.enrolment_id == group.people[index].id
            )
        ).one()
        request.state = EvaluationRequestState.COMPLETED
        form = session.get_one(EvaluationForm, request.form_id)
        workshop = session.get_one(ProgrammeSession, group.workshop.id)
        enrolment = request.enrolment
        respond(session, form, enrolment, workshop, answers, asked=False)


def test_response_rates_are_live_and_small_groups_are_not_shown(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    group = workshop_with_requests(runtime)
    line = f"*Workshop evaluation*, Launch workshop 2017 (#{group.workshop.id}): "

    before = reply(slack, standin, COORDINATOR, "evaluations")
    complete(runtime, group, 0, {"overall": 1, "met": 1})
    after = reply(slack, standin, COORDINATOR, 'evaluations "Aspiring Directors 2017" 2017')

    assert "*Evaluations for Aspiring Directors 2017 / 2017*" in before
    assert line + "0 of 6 responded (0%), open until Wed 15 Feb, 09:00" in before
    assert line + "1 of 6 responded (16.7%), open until Wed 15 Feb, 09:00" in after
    assert "Rated the workshop Excellent or Good: not shown, fewer than 5 responses" in after
    assert "Commitments to change, by category*\nNot shown: fewer than 5 responses." in after


def test_headline_figures_show_once_five_have_answered(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    group = workshop_with_requests(runtime)
    for index, (overall, met) in enumerate([(1, 1), (1, 2), (2, 3), (2, 4), (3, 1)]):
        complete(runtime, group, index, {"overall": overall, "met": met})

    shown = reply(slack, standin, COORDINATOR, "evaluations")

    assert "5 of 6 responded (83.3%)" in shown
    assert "*Workshop headline figures* (5 responses)" in shown
    assert "Rated the workshop Excellent or Good: *80%* (4 of 5)" in shown
    assert "Said it met its objectives Completely or Largely: *60%* (3 of 5)" in shown


def test_session_results_hold_back_free_text_until_the_form_is_closed_by_hand(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    group = workshop_with_requests(runtime)
    for index, comment in enumerate(COMMENTS):
        complete(runtime, group, index, {"overall": 1 + index % 2, "met": 1, "comment": comment})
    with unit_of_work(runtime.session_factory) as session:
        # A second form about the same session that only four people answered.
        als = make_form(
            session,
            key="als_test",
            title="Set evaluation",
            attached_to="action_learning_set",
            questions=[Q("ok", QuestionType.YES_NO)],
        )
        workshop = session.get_one(ProgrammeSession, group.workshop.id)
        for enrolment in group.people[:4]:
            respond(session, als, session.merge(enrolment), workshop, {"ok": 1})
    session_id = group.workshop.id

    open_view = reply(slack, standin, COORDINATOR, f"evaluations {session_id}")
    closing = reply(slack, standin, COORDINATOR, f"evaluations close {WS} {session_id}")
    closed_view = reply(slack, standin, COORDINATOR, f"evaluations #{session_id}")
    assert audit_actions(runtime)[-1:] == ["evaluation.close"]

    assert f"*Evaluations for session #{session_id}: Launch workshop 2017*" in open_view
    assert "Overall?: Excellent 3 · Good 2 · Average 0 · Poor 0 · Very poor 0 (5 answered)" in (
        open_view
    )
    assert "Free text is shown once the form closes." in open_view
    assert "Loved it" not in open_view
    assert "*Set evaluation*: 4 of 4 responded (100%), closed" in open_view
    assert "Question ok?: not shown, fewer than 5 responses" in open_view
    assert (
        f"Closed *Workshop evaluation* for session #{session_id} (Launch workshop 2017): "
        "1 person had not responded and now cannot." in closing
    )
    assert "5 of 6 responded (83.3%), closed" in closed_view
    quoted = [line for line in closed_view.splitlines() if line.startswith("> ")]
    assert sorted(quoted) == sorted(
        ["> Loved it", "> &lt;!channel&gt; more breaks", "> Great venue", "> Too long", "> Useful"]
    )
    assert "<!channel>" not in closed_view


def test_an_anonymous_forms_answers_wait_for_it_to_close(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    group = workshop_with_requests(runtime, anonymous=True)
    for index in range(5):
        complete(runtime, group, index, {"overall": 1, "met": 1})
    session_id = group.workshop.id

    open_view = reply(slack, standin, COORDINATOR, f"evaluations {session_id}")
    reply(slack, standin, COORDINATOR, f"evaluations close {WS} {session_id}")
    closed_view = reply(slack, standin, COORDINATOR, f"evaluations {session_id}")

    assert "5 of 6 responded (83.3%)" in open_view
    assert "Answers are shown once the form closes" in open_view
    assert "Excellent 5" not in open_view
    assert "Overall?: Excellent 5 · Good 0" in closed_view


def test_coordinators_open_a_form_by_hand_for_a_session_or_a_cohort(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        group = make_group(session, size=3)
        workshop_form(session, key=WS)
        make_form(
            session,
            key="baseline_test",
            title="Baseline survey",
            attached_to="enrolment",
            questions=[Q("lead", QuestionType.AGREEMENT5)],
        )
        empty = ProgrammeSession(
            cohort=group.cohort,
            kind=group.workshop.kind,
            title="Nobody came",
            starts_at=group.workshop.starts_at,
            ends_at=group.workshop.ends_at,
        )
        session.add(empty)
        session.flush()
        empty_id = empty.id
    session_id = group.workshop.id

    first = reply(slack, standin, COORDINATOR, f"evaluations open {WS} {session_id}")
    again = reply(slack, standin, COORDINATOR, f"evaluations open {WS} {session_id}")
    nobody = reply(slack, standin, COORDINATOR, f"evaluations open {WS} {empty_id}")
    cohort = reply(slack, standin, COORDINATOR, "evaluations open baseline_test 2017")

    where = f"session #{session_id} (Launch workshop 2017)"
    assert f"Asked 3 people to complete *Workshop evaluation* for {where}" in first
    assert f"Nobody new was asked to complete *Workshop evaluation* for {where}" in again
    assert "all 3 had been asked already" in again
    assert "nobody is recorded as attending that session" in nobody
    assert "Asked 3 people to complete *Baseline survey* for Aspiring Directors 2017 / 2017" in (
        cohort
    )
    with unit_of_work(runtime.session_factory) as session:
        requests = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id)).all()
        assert [(r.session_id, r.state) for r in requests] == [
            *[(session_id, EvaluationRequestState.OPEN)] * 3,
            *[(None, EvaluationRequestState.OPEN)] * 3,
        ]
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 6

    rates = reply(slack, standin, COORDINATOR, "evaluations")
    assert "*Baseline survey*, programme milestone: 0 of 3 responded (0%)" in rates
    assert audit_actions(runtime).count("evaluation.open") == 4


def test_mistakes_get_a_clear_message(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    group = workshop_with_requests(runtime, size=2)

    no_form = reply(slack, standin, COORDINATOR, f"evaluations open nosuch {group.workshop.id}")
    no_session = reply(slack, standin, COORDINATOR, "evaluations 999")
    not_a_session = reply(slack, standin, COORDINATOR, f"evaluations close {WS} 12x")
    bare = reply(slack, standin, COORDINATOR, "evaluations open")
    no_export = reply(slack, standin, COORDINATOR, "evaluations export worshop")

    assert "There is no evaluation form called 'nosuch'. Forms: " in no_form
    assert f"{WS}." in no_form
    assert "No session #999." in no_session
    assert "No cohort called '12x'" in not_a_session
    assert "Say which form and where" in bare
    assert "There is no evaluation form called 'worshop'. Forms: " in no_export


def test_participants_are_refused_politely(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    workshop_with_requests(runtime, size=2)

    for text in ("evaluations", "evaluations export", f"evaluations open {WS} 1"):
        refused = reply(slack, standin, PARTICIPANT, text)
        assert "Sorry, only programme coordinators can do that." in refused
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def uploaded_csv(standin: SlackStandin, filename_part: str) -> list[list[str]]:
    (file,) = [f for f in standin.files.values() if filename_part in f.filename]
    assert file.content is not None
    return list(csv.reader(io.StringIO(file.content.decode("utf-8"))))


def test_export_sends_a_csv_file_that_names_nobody_for_an_anonymous_form(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        group = make_group(session, size=5)
        anonymous = workshop_form(session, key=WS, anonymous=True)
        named = make_form(
            session,
            key="als_test",
            title="Set evaluation",
            questions=[Q("ok", QuestionType.YES_NO)],
        )
        for index, enrolment in enumerate(group.people):
            respond(
                session,
                anonymous,
                enrolment,
                group.workshop,
                {"overall": 1, "comment": f"=Comment {index}"},
                on=date(2017, 1, 20 + index),
            )
        for enrolment in group.people[:2]:
            respond(session, named, enrolment, group.workshop, {"ok": 0})
        names = [enrolment.person.name for enrolment in group.people]

    nothing = reply(slack, standin, COORDINATOR, "evaluations export baseline")
    sent = reply(slack, standin, COORDINATOR, f"evaluations export {WS}")
    sent_named = reply(slack, standin, COORDINATOR, "evaluations export als_test 2017")
    deps = runtime.tick_dependencies()
    deliver_due(deps.uow, deps.client, NOW)

    assert "There are no responses to export for 'baseline' yet." in nothing
    assert "On its way: a CSV of 5 responses is coming to you as a direct message." in sent
    assert "On its way: a CSV of 2 responses" in sent_named
    header, *rows = uploaded_csv(standin, WS)
    assert header == [
        "Form",
        "Version",
        "Cohort",
        "Session",
        "Submitted on",
        "Overall?",
        "Met?",
        "Commitment category?",
        "Anything else?",
    ]
    assert len(rows) == 5
    assert {row[4] for row in rows} == {""}
    assert sorted(row[-1] for row in rows) == [f"'=Comment {i}" for i in range(5)]
    assert {row[5] for row in rows} == {"Excellent"}
    flat = " ".join(" ".join(row) for row in rows)
    assert not any(name in flat for name in names)
    named_header, *named_rows = uploaded_csv(standin, "als_test")
    assert named_header[5] == "Participant"
    assert [row[5] for row in named_rows] == sorted(names[:2])
    shared = [message.files for message in standin.messages_in(COORDINATOR) if message.files]
    assert len(shared) == 2
    with unit_of_work(runtime.session_factory) as session:
        exports = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "evaluation.export")
            .order_by(AuditEvent.id)
        ).all()
        assert [
            (actor_of(session, e), e.entity_type, values_of(session, e)[1]) for e in exports
        ] == [
            (COORDINATOR, "OutboundMessage", {"form": WS, "cohort": None, "rows": 5}),
            (
                COORDINATOR,
                "OutboundMessage",
                {"form": "als_test", "cohort": "Aspiring Directors 2017 / 2017", "rows": 2},
            ),
        ]


def test_long_results_are_shortened_to_fit_one_message(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        group = make_group(session, size=55)
        form = workshop_form(session, key=WS)
        for index, enrolment in enumerate(group.people):
            comment = f"Comment {index:02d} " + "x" * 2000
            respond(session, form, enrolment, group.workshop, {"overall": 1, "comment": comment})

    shown = reply(slack, standin, COORDINATOR, f"evaluations {group.workshop.id}")

    assert "Overall?: Excellent 55" in shown
    assert "Shortened to fit one message: `/cohort evaluations export`" in shown
    assert 40 < shown.count("> Comment ") < 55


def test_overview_shows_commitments_and_paired_confidence_change(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        group = make_group(session, size=6)
        form = workshop_form(session, key=WS)
        chosen = ["Managing change", "Leading people", "Managing change", "Managing change"]
        for enrolment, category in zip(group.people, [*chosen, "Leading people"], strict=False):
            respond(session, form, enrolment, group.workshop, {"category": category})
        confidence = [
            Q("lead", QuestionType.AGREEMENT5, "I am confident leading", purpose=CONFIDENCE)
        ]
        baseline, end = (
            make_form(session, key=f"{key}_test", attached_to=key, questions=confidence)
            for key in ("enrolment", "programme_end")
        )
        for enrolment, before, after in zip(
            group.people, [2, 3, 1, 2, 4, 1], [4, 3, 3, 4, 5, 5], strict=True
        ):
            respond(session, baseline, enrolment, None, {"lead": before})
            respond(session, end, enrolment, None, {"lead": after})

    shown = reply(slack, standin, COORDINATOR, "evaluations")

    assert "• Leading people: 2\n• Managing change: 3\n• Working with others: 0" in shown
    # Six pairs: baseline 13/6, end 24/6, change 11/6.
    assert "• I am confident leading: 2.2 → 4.0 (*+1.8*), 6 people who answered both" in shown
