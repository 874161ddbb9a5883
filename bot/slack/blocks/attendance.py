"""Block Kit for attendance: the register, the recording form, check-in and absence alerts."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.attendance.messages import AbsenceFlag, CheckInPrompt, RecordPrompt
from bot.attendance.register import Register, RegisterEntry
from bot.core.mrkdwn import Mrkdwn, escape, mention
from bot.core.render import render
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    Message,
    mrkdwn_notice,
    section,
    to_message,
)
from bot.slack.ids.attendance import ActionId, BlockId, CallbackId, reason_block, status_block
from db.enums import AttendanceStatus, RsvpStatus

MAX_REASON_LENGTH = 500
# Two inputs per invitee plus the introduction keeps a page within Slack's 100 blocks.
PAGE_SIZE = (MAX_VIEW_BLOCKS - 1) // 2
# Lines of the register per section, well inside a section's 3000 characters.
LINES_PER_SECTION = 15
# Slack cuts option labels at 75 characters.
MAX_LABEL = 75

REPLIES = {
    RsvpStatus.NONE: "no reply",
    RsvpStatus.ATTENDING: "said they'd come",
    RsvpStatus.NOT_ATTENDING: "said they couldn't",
}
ATTENDED = {
    AttendanceStatus.UNKNOWN: "not recorded",
    AttendanceStatus.PRESENT: "*present*",
    AttendanceStatus.ABSENT: "*absent*",
    AttendanceStatus.EXCUSED: "*excused*",
}
CHOICES = {
    AttendanceStatus.PRESENT: "Present",
    AttendanceStatus.ABSENT: "Absent",
    AttendanceStatus.EXCUSED: "Excused",
}


def page_count(register: Register) -> int:
    """How many pages the recording form takes."""
    return max(1, -(-len(register.entries) // PAGE_SIZE))


def _who(entry: RegisterEntry) -> str:
    return mention(entry.slack_user_id) if entry.slack_user_id else escape(entry.name)


def _record_button(session_id: int) -> ButtonElement:
    return ButtonElement(
        text="Record attendance",
        action_id=ActionId.RECORD,
        value=str(session_id),
        style="primary",
    )


def register_message(register: Register) -> Message:
    """The register, with a 'Record attendance' button for those who may record it."""
    header = render("attendance/register.j2", register=register)
    lines = [
        render(
            "attendance/register_line.j2",
            entry=entry,
            who=Mrkdwn(_who(entry)),
            reply=REPLIES[entry.rsvp],
            attended=Mrkdwn(ATTENDED[entry.attendance]),
        )
        for entry in register.entries
    ] or ["Nobody is invited to this session."]
    room = MAX_MESSAGE_BLOCKS - 2
    chunks = [lines[i : i + LINES_PER_SECTION] for i in range(0, len(lines), LINES_PER_SECTION)]
    if len(chunks) > room:
        shown = chunks[: room - 1]
        hidden = len(lines) - sum(len(chunk) for chunk in shown)
        chunks = [*shown, [f"…and {hidden} more."]]
    blocks: list[Block] = [section(header), *(section("\n".join(chunk)) for chunk in chunks)]
    if register.can_record and not register.cancelled:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.RECORD_ACTIONS, elements=[_record_button(register.session_id)]
            )
        )
    return Message(text=header, blocks=tuple(blocks))


def record_prompt_message(session_id: int, title: str, when: str) -> Message:
    """The DM asking a facilitator (or the coordinators) to record a session's attendance."""
    text = render("attendance/record_prompt.j2", title=title, when=when)
    return Message(
        text=text,
        blocks=(
            section(text),
            ActionsBlock(block_id=BlockId.RECORD_ACTIONS, elements=[_record_button(session_id)]),
        ),
    )


@to_message.register
def _record_prompt(owed: RecordPrompt) -> Message:
    return record_prompt_message(owed.session_id, owed.title, owed.when)


def _option(status: AttendanceStatus) -> Option:
    return Option(value=status.value, label=CHOICES[status])


def _label(entry: RegisterEntry) -> str:
    label = f"{entry.name} ({REPLIES[entry.rsvp]})"
    return label if len(label) <= MAX_LABEL else entry.name[:MAX_LABEL]


def _entry_inputs(entry: RegisterEntry) -> Sequence[Block]:
    return (
        InputBlock(
            block_id=status_block(entry.invitation_id),
            label=PlainTextObject(text=_label(entry)),
            element=StaticSelectElement(
                action_id=ActionId.STATUS,
                options=[_option(status) for status in CHOICES],
                initial_option=_option(entry.prefill),
            ),
        ),
        InputBlock(
            block_id=reason_block(entry.invitation_id),
            label=PlainTextObject(text="Reason, if away"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ActionId.REASON,
                max_length=MAX_REASON_LENGTH,
                initial_value=entry.prefill_reason or None,
            ),
        ),
    )


def record_modal(register: Register, page: int = 0) -> View:
    """One page of the recording form, pre-filled; later pages are pushed on submission."""
    entries = register.entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    pages = page_count(register)
    last = page + 1 >= pages
    intro = render(
        "attendance/record_intro.j2",
        title=f"#{register.session_id} {register.title}",
        when=register.when,
        page=page + 1,
        pages=pages,
    )
    return View(
        type="modal",
        callback_id=CallbackId.RECORD,
        title=PlainTextObject(text="Record attendance"),
        submit=PlainTextObject(text="Save" if last else "Save and next"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(
            {
                "session_id": register.session_id,
                "page": page,
                "invitations": [entry.invitation_id for entry in entries],
                "version": register.page_fingerprint(entries),
            }
        ),
        blocks=[section(intro), *(block for entry in entries for block in _entry_inputs(entry))],
    )


def check_in_message(prompt: CheckInPrompt) -> Message:
    """The DM with a 'Check in' button, sent as a session starts."""
    text = render("attendance/check_in.j2", prompt=prompt)
    return Message(
        text=text,
        blocks=(
            section(text),
            ActionsBlock(
                block_id=BlockId.CHECK_IN_ACTIONS,
                elements=[
                    ButtonElement(
                        text="Check in",
                        action_id=ActionId.CHECK_IN,
                        value=str(prompt.invitation_id),
                        style="primary",
                    )
                ],
            ),
        ),
    )


def checked_in_message(title: str, time: str) -> Message:
    """What the check-in DM turns into once pressed."""
    return mrkdwn_notice(render("attendance/checked_in.j2", title=title, time=time))


def absence_flag_message(flag: AbsenceFlag) -> Message:
    """The coordinators' alert about a participant's repeated unexplained absences."""
    return mrkdwn_notice(
        render(
            "attendance/absence_flag.j2",
            flag=flag,
            person=mention(flag.slack_user_id),
        )
    )


@to_message.register
def _check_in(owed: CheckInPrompt) -> Message:
    return check_in_message(owed)


@to_message.register
def _absence_flag(owed: AbsenceFlag) -> Message:
    return absence_flag_message(owed)
