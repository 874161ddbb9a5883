"""Block Kit for career outcomes: the 'new role' modal, confirmation DMs, coordinators' list."""

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
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core import timefmt
from bot.core.labels import OUTCOME_LABELS
from bot.core.mrkdwn import Mrkdwn, mention
from bot.core.render import render
from bot.reporting.outcomes import (
    MAX_NOTE_LENGTH,
    MAX_ORGANISATION_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TITLE_LENGTH,
    OutcomeConfirmed,
    OutcomeLine,
    OutcomeRejected,
    OutcomeReported,
)
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section, to_message
from bot.slack.blocks.enrolment import chunked_sections
from bot.slack.ids.outcomes import ActionId, CallbackId, Field

REPORT_BUTTON_TEXT = "Report a new role"
# Each awaiting outcome takes two blocks (its line and its buttons).
MAX_AWAITING_SHOWN = 15


def day_with_year(day: date | None) -> str:
    """'Tue 4 Jul 2017', or '' when there is no date."""
    return timefmt.day_with_year(day) if day else ""


def describe(line: OutcomeLine) -> Mrkdwn:
    """One outcome in a line of mrkdwn (user text escaped, so it can be put in other templates)."""
    return Mrkdwn(
        render(
            "outcomes/line.j2",
            o=line,
            who=mention(line.slack_user_id) if line.slack_user_id else line.name,
            started=day_with_year(line.started_on),
        )
    )


def report_button() -> ButtonElement:
    """The App Home button that opens the modal for one's own new role."""
    return ButtonElement(text=REPORT_BUTTON_TEXT, action_id=ActionId.REPORT, value="self")


def outcome_modal(*, subject: str, name: str, for_someone_else: bool, today: date) -> View:
    """The 'New role' modal: kind, role title, organisation, start date and a note."""
    kinds = [Option(value=kind.value, text=label) for kind, label in OUTCOME_LABELS.items()]
    intro = render("outcomes/form_intro.j2", for_someone_else=for_someone_else, name=name)
    blocks: list[Block] = [
        section(intro),
        InputBlock(
            block_id=Field.KIND,
            label="What kind of move?",
            element=StaticSelectElement(action_id=Field.KIND, options=kinds),
        ),
        InputBlock(
            block_id=Field.ROLE_TITLE,
            label="Role title",
            optional=True,
            hint="Not needed for 'Left the service'.",
            element=PlainTextInputElement(action_id=Field.ROLE_TITLE, max_length=MAX_TITLE_LENGTH),
        ),
        InputBlock(
            block_id=Field.ORGANISATION,
            label="Organisation",
            optional=True,
            element=PlainTextInputElement(
                action_id=Field.ORGANISATION, max_length=MAX_ORGANISATION_LENGTH
            ),
        ),
        InputBlock(
            block_id=Field.STARTED_ON,
            label="Start date",
            element=DatePickerElement(action_id=Field.STARTED_ON, initial_date=today.isoformat()),
        ),
        InputBlock(
            block_id=Field.NOTE,
            label="Note",
            optional=True,
            element=PlainTextInputElement(
                action_id=Field.NOTE, multiline=True, max_length=MAX_NOTE_LENGTH
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.RECORD,
        title="New role",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"subject": subject}),
        blocks=blocks,
    )


def recorded_view(line: OutcomeLine, *, yourself: bool) -> View:
    """What the modal becomes once the new role is saved."""
    text = render(
        "outcomes/recorded.j2", line=describe(line), confirmed=line.confirmed, yourself=yourself
    )
    return View(
        type="modal",
        callback_id=CallbackId.RECORD,
        title="New role saved",
        close="Done",
        blocks=[section(text)],
    )


def _decision_buttons(outcome_id: int) -> ActionsBlock:
    value = str(outcome_id)
    return ActionsBlock(
        elements=[
            ButtonElement(text="Confirm", action_id=ActionId.CONFIRM, value=value, style="primary"),
            ButtonElement(text="Reject", action_id=ActionId.REJECT, value=value),
        ]
    )


def reported_message(line: OutcomeLine) -> Message:
    """The DM telling a coordinator a participant reported a new role, with Confirm / Reject."""
    text = render("outcomes/reported.j2", line=describe(line))
    return Message(text=text, blocks=(section(text), _decision_buttons(line.outcome_id)))


def confirmed_message(line: OutcomeLine) -> Message:
    """The DM telling a participant their new role is confirmed and counts."""
    text = render("outcomes/confirmed.j2", line=describe(line))
    return Message(text=text, blocks=(section(text),))


def rejected_message(line: OutcomeLine, reason: str) -> Message:
    """The DM telling a participant their report was not accepted, and why."""
    text = render("outcomes/rejected.j2", line=describe(line), reason=reason)
    return Message(text=text, blocks=(section(text),))


@to_message.register
def _reported(owed: OutcomeReported) -> Message:
    return reported_message(owed.line)


@to_message.register
def _confirmed(owed: OutcomeConfirmed) -> Message:
    return confirmed_message(owed.line)


@to_message.register
def _rejected(owed: OutcomeRejected) -> Message:
    return rejected_message(owed.line, owed.reason)


def decided_message(line: OutcomeLine, *, confirmed: bool) -> Message:
    """The reply to the coordinator who pressed Confirm or sent a rejection."""
    text = render("outcomes/decided.j2", line=describe(line), confirmed=confirmed)
    return Message(text=text, blocks=(section(text),))


def reject_modal(line: OutcomeLine) -> View:
    """Asks a coordinator why they reject a reported new role."""
    return View(
        type="modal",
        callback_id=CallbackId.REJECT,
        title="Reject new role",
        submit="Reject",
        close="Cancel",
        private_metadata=json.dumps({"outcome_id": line.outcome_id}),
        blocks=[
            section(render("outcomes/reject_intro.j2", line=describe(line))),
            InputBlock(
                block_id=Field.REASON,
                label="Why? (the participant is told)",
                element=PlainTextInputElement(
                    action_id=Field.REASON, multiline=True, max_length=MAX_REASON_LENGTH
                ),
            ),
        ],
    )


def list_message(confirmed: Sequence[OutcomeLine], awaiting: Sequence[OutcomeLine]) -> Message:
    """The coordinators' list: confirmed outcomes, then those awaiting confirmation with buttons."""
    head = render("outcomes/list.j2", confirmed=len(confirmed), awaiting=len(awaiting))
    lines: list[str] = [describe(line) for line in confirmed] or ["None yet."]
    shown = awaiting[:MAX_AWAITING_SHOWN]
    room = MAX_MESSAGE_BLOCKS - 3 - 2 * len(shown)
    blocks: list[Block] = [
        section(head),
        *chunked_sections(["*Confirmed*", *lines], max_blocks=room),
    ]
    if awaiting:
        blocks.append(section("*Awaiting confirmation*"))
    for line in shown:
        blocks += [section(describe(line)), _decision_buttons(line.outcome_id)]
    text_lines = [
        head,
        "Confirmed:",
        *lines,
        "Awaiting confirmation:",
        *(describe(line) for line in awaiting),
    ]
    if len(awaiting) > len(shown):
        blocks.append(
            section(f"…and {len(awaiting) - len(shown)} more awaiting: answer these first.")
        )
    return Message(text="\n".join(text_lines)[:3000], blocks=blocks)


def home_lines(lines: Sequence[OutcomeLine]) -> list[str]:
    """A participant's reported roles on their Home tab, each confirmed or awaiting."""
    return [
        render("outcomes/home_line.j2", line=describe(line), confirmed=line.confirmed)
        for line in lines
    ]


def decided_view(line: OutcomeLine) -> View:
    """What the reject modal becomes once the rejection is sent."""
    return View(
        type="modal",
        callback_id=CallbackId.REJECT,
        title="New role rejected",
        close="Done",
        blocks=list(decided_message(line, confirmed=False).blocks),
    )
