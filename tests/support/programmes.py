"""Test data for programmes, cohorts, sessions and enrolments (helpers only, no tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.enums import EnrolmentStatus, SessionKind
from db.models import ActionLearningGroup, Cohort, Enrolment, Person, Programme, ProgrammeSession


def make_cohort(
    session: Session, *, programme: str = "Aspiring Directors", cohort: str = "2017"
) -> Cohort:
    """A programme with one cohort starting on 1 February 2017."""
    row = Cohort(
        programme=Programme(name=programme), name=cohort, capacity=15, start_date=date(2017, 2, 1)
    )
    session.add(row)
    session.flush()
    return row


def make_person(
    session: Session,
    cohort: Cohort,
    name: str,
    *,
    slack_user_id: str | None = None,
    organisation: str | None = None,
    region: str | None = None,
    status: EnrolmentStatus = EnrolmentStatus.ENROLLED,
    group: ActionLearningGroup | None = None,
) -> Enrolment:
    """A person enrolled (by default) in `cohort`."""
    person = Person(
        name=name, slack_user_id=slack_user_id, organisation=organisation, region=region
    )
    enrolment = Enrolment(person=person, cohort=cohort, status=status, group=group)
    session.add(enrolment)
    session.flush()
    return enrolment


def make_session(
    session: Session,
    cohort: Cohort,
    title: str,
    *,
    starts_at: datetime = datetime(2017, 3, 7, 10, 0, tzinfo=UTC),
    hours: float = 3,
    kind: SessionKind = SessionKind.WORKSHOP,
    group: ActionLearningGroup | None = None,
    compulsory: bool = True,
) -> ProgrammeSession:
    """A scheduled session of `cohort`."""
    row = ProgrammeSession(
        cohort=cohort,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        group=group,
        compulsory=compulsory,
    )
    session.add(row)
    session.flush()
    return row


def make_group(session: Session, cohort: Cohort, name: str) -> ActionLearningGroup:
    """An action learning group of `cohort`."""
    group = ActionLearningGroup(cohort=cohort, name=name)
    session.add(group)
    session.flush()
    return group


# ---------------------------------------------------------------- talking to the bot


def command_reply(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """Send `/cohort text` and return the text of the reply (immediate or via response_url)."""
    result = slack.slash_command(user_id, text)
    assert result.status == 200
    if result.body:
        body = result.json()
        if body.get("text"):
            return str(body["text"])
    _, payload = standin.wait_for_response(
        lambda p: any(p is r[1] for r in standin.responses if r[0] == result.response_url)
    )
    return str(payload["text"])


def open_modal(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """Send `/cohort text`, which opens a modal; return the new view's id."""
    before = set(standin.views)
    slack.slash_command(user_id, text)
    return str(standin.wait_for(lambda: next((v for v in standin.views if v not in before), None)))


def submit(
    slack: SlackSender, standin: SlackStandin, view_id: str, user_id: str, **fields: dict[str, Any]
) -> dict[str, Any]:
    """Submit the modal with `fields` (block id -> element state); return the JSON answer."""
    values = {block: {block: state} for block, state in fields.items()}
    result = slack.interaction(standin.view_submission(view_id, user_id=user_id, values=values))
    assert result.status == 200
    return dict(result.json()) if result.body else {}


def text(value: str) -> dict[str, Any]:
    """A plain text or number input's state."""
    return {"type": "plain_text_input", "value": value}


def picked_date(value: str) -> dict[str, Any]:
    """A datepicker's state."""
    return {"type": "datepicker", "selected_date": value}


def picked_time(value: str) -> dict[str, Any]:
    """A timepicker's state."""
    return {"type": "timepicker", "selected_time": value}


def chosen(value: str, kind: str = "static_select") -> dict[str, Any]:
    """A select's or radio buttons' state."""
    return {
        "type": kind,
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def ticked(*values: str) -> dict[str, Any]:
    """Checkboxes' state."""
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}
