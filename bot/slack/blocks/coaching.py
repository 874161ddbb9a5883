"""Block Kit for the coaching allowance: status, nudges, the logging modal, the at-risk list and
coach assignment."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.coaching.allowance import CoachingStatus, CohortCoaching
from bot.coaching.assignment import CoachChange
from bot.coaching.messages import (
    MAX_NOTE_LENGTH,
    AssignmentNotice,
    CoachAssigned,
    CoacheeAssigned,
    CoacheeCoachRemoved,
    CoachingNudge,
    CoachRemoved,
    LogForm,
    LoggedForYou,
)
from bot.core.mrkdwn import mention
from bot.core.render import render
from bot.core.timefmt import day_with_year
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section, to_message
from bot.slack.blocks.enrolment import chunked_sections
from bot.slack.ids.coaching import (
    COACH_NAME_INPUT,
    COACH_USER_INPUT,
    DATE_INPUT,
    NOTE_INPUT,
    ActionId,
    BlockId,
    CallbackId,
)

LOG_BUTTON_TEXT = "Log a coaching session"


def status_line(status: CoachingStatus) -> str:
    """'*Coaching:* 1 of 4 sessions used, 3 left to use by *…* (n days to go).' as mrkdwn."""
    deadline = day_with_year(status.deadline) if status.deadline else None
    return render("coaching/status.j2", s=status, deadline=deadline)


def log_button(enrolment_id: int) -> ButtonElement:
    """The button that opens the logging modal for one enrolment."""
    return ButtonElement(
        text=LOG_BUTTON_TEXT, action_id=ActionId.LOG, value=str(enrolment_id), style="primary"
    )


def _with_button(text: str, status: CoachingStatus) -> Message:
    blocks: list[Block] = [section(text)]
    if status.remaining:
        blocks.append(ActionsBlock(elements=[log_button(status.enrolment_id)]))
    return Message(text=text, blocks=blocks)


def status_message(status: CoachingStatus) -> Message:
    """A participant's own coaching status, with the logging button."""
    return _with_button(status_line(status), status)


def nudge_message(status: CoachingStatus, kind: str, since: str = "workshop") -> Message:
    """A nudge to use the allowance; `kind` is 'not_started', 'behind' or 'final'."""
    deadline = day_with_year(status.deadline) if status.deadline else ""
    body = render(
        "coaching/nudge.j2",
        kind=kind,
        s=status,
        months=status.months_left,
        deadline=deadline,
        since=since,
    )
    return _with_button(f"{body}\n{status_line(status)}", status)


def logged_for_you_message(status: CoachingStatus, held_on: date, logged_by: str) -> Message:
    """Tells a participant that someone else (`logged_by`, a Slack id) logged a session for them."""
    text = render(
        "coaching/logged.j2",
        for_you=True,
        logger=mention(logged_by),
        held_on=day_with_year(held_on),
    )
    return Message(
        text=f"{text}\n{status_line(status)}", blocks=(section(text), section(status_line(status)))
    )


def log_modal(form: LogForm) -> View:
    """The 'Log a coaching session' modal: date, coach (Slack user or name) and an optional note."""
    intro = render("coaching/form_intro.j2", for_someone_else=form.for_someone_else, name=form.name)
    coach_user = UserSelectElement(
        action_id=COACH_USER_INPUT,
        placeholder="Pick the coach",
        initial_user=form.coach_user_id,
    )
    return View(
        type="modal",
        callback_id=CallbackId.LOG,
        title=PlainTextObject(text="Log coaching"),
        submit=PlainTextObject(text="Log it"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"enrolment_id": form.enrolment_id}),
        blocks=[
            section(f"{intro}\n{status_line(form.status)}"),
            InputBlock(
                block_id=BlockId.DATE,
                label=PlainTextObject(text="Date of the session"),
                element=DatePickerElement(
                    action_id=DATE_INPUT, initial_date=form.today.isoformat()
                ),
            ),
            InputBlock(
                block_id=BlockId.COACH_USER,
                label=PlainTextObject(text="Coach"),
                element=coach_user,
                optional=True,
                hint=PlainTextObject(text="Or, if they are not in Slack, type their name below."),
            ),
            InputBlock(
                block_id=BlockId.COACH_NAME,
                label=PlainTextObject(text="Coach's name (if not in Slack)"),
                element=PlainTextInputElement(action_id=COACH_NAME_INPUT, max_length=200),
                optional=True,
            ),
            InputBlock(
                block_id=BlockId.NOTE,
                label=PlainTextObject(text="Note"),
                element=PlainTextInputElement(
                    action_id=NOTE_INPUT, multiline=True, max_length=MAX_NOTE_LENGTH
                ),
                optional=True,
                hint=PlainTextObject(text="Logistics only, e.g. 'rescheduled from May'."),
            ),
        ],
    )


def logged_view(status: CoachingStatus, held_on: date, *, name: str | None) -> View:
    """What the modal turns into once the session is logged: the new count and deadline."""
    text = render("coaching/logged.j2", for_you=False, name=name, held_on=day_with_year(held_on))
    return View(
        type="modal",
        callback_id=CallbackId.LOG,
        title=PlainTextObject(text="Coaching logged"),
        close=PlainTextObject(text="Done"),
        blocks=[section(text), section(status_line(status))],
    )


def report_message(report: CohortCoaching) -> Message:
    """The coordinators' view: cohort totals and who is at risk, and why."""
    head = render("coaching/report.j2", r=report)
    lines = [
        render(
            "coaching/at_risk_line.j2",
            who=mention(s.slack_user_id) if s.slack_user_id else s.name,
            s=s,
            deadline=day_with_year(s.deadline) if s.deadline else None,
        )
        for s in report.at_risk
    ]
    blocks = [section(head), *chunked_sections(lines, max_blocks=MAX_MESSAGE_BLOCKS - 1)]
    return Message(text="\n".join([head, *lines]), blocks=blocks)


# Coach assignment


def _assignment_text(kind: str, **context: object) -> Message:
    text = render("coaching/assignment.j2", kind=kind, **context)
    return Message(text=text, blocks=(section(text),))


def coach_assigned_message(notice: AssignmentNotice) -> Message:
    """Tells a coach who their new coachee is."""
    return _assignment_text(
        "coach",
        participant=mention(notice.participant_slack_user_id),
        participant_name=notice.participant_name,
        cohort=notice.cohort,
    )


def coachee_assigned_message(notice: AssignmentNotice) -> Message:
    """Tells a participant who their coach is."""
    return _assignment_text(
        "participant", coach=mention(notice.coach_slack_user_id or ""), cohort=notice.cohort
    )


def coach_removed_message(notice: AssignmentNotice) -> Message:
    """Tells a former coach that someone is no longer their coachee."""
    return _assignment_text(
        "removed", participant=mention(notice.participant_slack_user_id), cohort=notice.cohort
    )


def coachee_coach_removed_message(notice: AssignmentNotice) -> Message:
    """Tells a participant that their coach is no longer their coach."""
    return _assignment_text(
        "coachee_removed", coach=mention(notice.coach_slack_user_id or ""), cohort=notice.cohort
    )


def coach_change_reply(change: CoachChange) -> Message:
    """The coordinator's confirmation of an assignment or removal."""
    if change.coach_slack_user_id is not None:
        return _assignment_text(
            "reply_assigned",
            coach=mention(change.coach_slack_user_id),
            participant=mention(change.participant_slack_user_id),
            cohort=change.cohort,
            previous=change.previous_coach_name,
        )
    return _assignment_text(
        "reply_removed",
        participant=mention(change.participant_slack_user_id),
        cohort=change.cohort,
        previous=change.previous_coach_name,
    )


def coachees_message(
    statuses: Sequence[CoachingStatus], *, coach_slack_user_id: str, yourself: bool
) -> Message:
    """A coach's coachees, each with their sessions used and any reason they are at risk."""
    head = render(
        "coaching/coachees.j2",
        yourself=yourself,
        coach=mention(coach_slack_user_id),
        count=len(statuses),
    )
    lines = [
        render(
            "coaching/coachee_line.j2",
            who=mention(s.slack_user_id) if s.slack_user_id else s.name,
            s=s,
            deadline=day_with_year(s.deadline) if s.deadline else None,
        )
        for s in statuses
    ]
    blocks = [section(head), *chunked_sections(lines, max_blocks=MAX_MESSAGE_BLOCKS - 1)]
    return Message(text="\n".join([head, *lines]), blocks=blocks)


@to_message.register
def _nudge(owed: CoachingNudge) -> Message:
    return nudge_message(owed.status, owed.kind, owed.since)


@to_message.register
def _logged_for_you(owed: LoggedForYou) -> Message:
    return logged_for_you_message(owed.status, owed.held_on, owed.logged_by)


@to_message.register
def _coach_assigned(owed: CoachAssigned) -> Message:
    return coach_assigned_message(owed.notice)


@to_message.register
def _coachee_assigned(owed: CoacheeAssigned) -> Message:
    return coachee_assigned_message(owed.notice)


@to_message.register
def _coach_removed(owed: CoachRemoved) -> Message:
    return coach_removed_message(owed.notice)


@to_message.register
def _coachee_coach_removed(owed: CoacheeCoachRemoved) -> Message:
    return coachee_coach_removed_message(owed.notice)
