"""Block Kit for programmes, cohorts, sessions, timetables and action learning groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    ConversationSelectElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core.mrkdwn import escape
from bot.core.render import render
from bot.core.timefmt import format_when
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section
from bot.slack.ids.programmes import CallbackId, Field

Values = Mapping[str, str]
WHOLE_COHORT = "whole"
CONFIRMED = "yes"


def _text(
    field: Field,
    label: str,
    values: Values,
    *,
    optional: bool = False,
    hint: str | None = None,
    multiline: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=field, initial_value=values.get(field) or None, multiline=multiline
        ),
    )


def _number(field: Field, label: str, values: Values, minimum: int) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        element=NumberInputElement(
            action_id=field,
            is_decimal_allowed=False,
            min_value=minimum,
            initial_value=values.get(field) or None,
        ),
    )


def _date(
    field: Field, label: str, values: Values, *, optional: bool = False, hint: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        hint=hint,
        element=DatePickerElement(action_id=field, initial_date=values.get(field) or None),
    )


def _time(field: Field, label: str, values: Values) -> InputBlock:
    # Both times left empty is an all-day session (planned by the day).
    return InputBlock(
        block_id=field,
        label=label,
        optional=True,
        hint="Leave both times empty for an all-day session",
        element=TimePickerElement(action_id=field, initial_time=values.get(field) or None),
    )


def _options(choices: Sequence[tuple[str, str]]) -> list[Option]:
    return [Option(value=value, text=label) for value, label in choices]


def _initial(choices: Sequence[tuple[str, str]], value: str | None) -> Option | None:
    return next((o for o in _options(choices) if o.value == value), None)


def _modal(
    callback_id: CallbackId,
    title: str,
    blocks: Sequence[Block],
    metadata: str,
    submit: str = "Save",
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=metadata,
        blocks=list(blocks),
    )


def programme_modal(values: Values, *, metadata: str, editing: bool) -> View:
    """The form to add or edit a programme."""
    blocks: list[Block] = [
        _text(Field.NAME, "Name", values),
        _number(Field.LENGTH_MONTHS, "Length in months", values, 1),
        _number(Field.COACHING_ALLOWANCE, "Coaching sessions each", values, 0),
        InputBlock(
            block_id=Field.STEERING_CHANNEL,
            label="Steering group channel",
            optional=True,
            element=ConversationSelectElement(
                action_id=Field.STEERING_CHANNEL,
                initial_conversation=values.get(Field.STEERING_CHANNEL) or None,
            ),
        ),
        _text(Field.TIMEZONE, "Time zone", values, hint="Such as Europe/London"),
    ]
    title = "Edit programme" if editing else "New programme"
    return _modal(CallbackId.PROGRAMME_SAVE, title, blocks, metadata)


def cohort_modal(values: Values, *, programme: str, metadata: str, editing: bool) -> View:
    """The form to add or edit a cohort of `programme`."""
    blocks: list[Block] = [
        section(f"Programme: *{escape(programme)}*"),
        _text(Field.NAME, "Name", values),
        _number(Field.CAPACITY, "Capacity", values, 1),
        _date(Field.START_DATE, "Start date", values),
    ]
    return _modal(
        CallbackId.COHORT_SAVE, "Edit cohort" if editing else "New cohort", blocks, metadata
    )


def _warning_blocks(warnings: Sequence[str]) -> list[Block]:
    if not warnings:
        return []
    listing = "\n".join(f"• {escape(w)}" for w in warnings)
    return [
        section(f":warning: *Please check before saving:*\n{listing}"),
        InputBlock(
            block_id=Field.CONFIRM,
            label="Confirm",
            element=CheckboxesElement(
                action_id=Field.CONFIRM,
                options=[Option(value=CONFIRMED, text="I have checked these: save anyway")],
            ),
        ),
    ]


@dataclass(frozen=True)
class SessionFormContext:
    """What the session form offers: the cohort, its kinds and groups."""

    cohort: str
    kinds: Sequence[tuple[str, str]]
    groups: Sequence[tuple[str, str]]
    editing: bool


def session_modal(
    values: Values, context: SessionFormContext, *, metadata: str, warnings: Sequence[str] = ()
) -> View:
    """The form to add a session (with times) or edit one (times change with move)."""
    audiences = [(WHOLE_COHORT, "Whole cohort"), *context.groups]
    attendance = [("compulsory", "Compulsory"), ("optional", "Optional")]
    blocks: list[Block] = [
        section(f"Cohort: *{escape(context.cohort)}*"),
        *_warning_blocks(warnings),
        InputBlock(
            block_id=Field.KIND,
            label="Kind",
            element=StaticSelectElement(
                action_id=Field.KIND,
                options=_options(context.kinds),
                initial_option=_initial(context.kinds, values.get(Field.KIND)),
            ),
        ),
        _text(Field.TITLE, "Title", values),
    ]
    if not context.editing:
        blocks += [
            _date(Field.START_DATE, "Start date", values),
            _time(Field.START_TIME, "Start time", values),
            _date(
                Field.END_DATE,
                "End date",
                values,
                optional=True,
                hint="Leave empty for the same day",
            ),
            _time(Field.END_TIME, "End time", values),
        ]
    blocks += [
        _text(Field.LOCATION, "Location", values, optional=True),
        _text(Field.VIDEO_URL, "Video link", values, optional=True),
        InputBlock(
            block_id=Field.COMPULSORY,
            label="Attendance",
            element=RadioButtonsElement(
                action_id=Field.COMPULSORY,
                options=_options(attendance),
                initial_option=_initial(attendance, values.get(Field.COMPULSORY) or "compulsory"),
            ),
        ),
        InputBlock(
            block_id=Field.AUDIENCE,
            label="Who",
            element=StaticSelectElement(
                action_id=Field.AUDIENCE,
                options=_options(audiences),
                initial_option=_initial(audiences, values.get(Field.AUDIENCE) or WHOLE_COHORT),
            ),
        ),
        InputBlock(
            block_id=Field.FACILITATOR,
            label="Facilitator",
            optional=True,
            element=UserSelectElement(
                action_id=Field.FACILITATOR, initial_user=values.get(Field.FACILITATOR) or None
            ),
        ),
    ]
    title = "Edit session" if context.editing else "New session"
    return _modal(CallbackId.SESSION_SAVE, title, blocks, metadata)


def move_modal(
    values: Values, *, title: str, when: str, metadata: str, warnings: Sequence[str] = ()
) -> View:
    """The form to move a session to new times, with the reason people will be told."""
    blocks: list[Block] = [
        section(f"*{escape(title)}*, now {escape(when)}"),
        *_warning_blocks(warnings),
        _date(Field.START_DATE, "New start date", values),
        _time(Field.START_TIME, "New start time", values),
        _date(
            Field.END_DATE,
            "New end date",
            values,
            optional=True,
            hint="Leave empty for the same day",
        ),
        _time(Field.END_TIME, "New end time", values),
        _text(
            Field.REASON,
            "Why it is moving",
            values,
            multiline=True,
            hint="Everyone invited is told this",
        ),
    ]
    return _modal(CallbackId.SESSION_MOVE, "Move session", blocks, metadata, submit="Move")


@dataclass(frozen=True)
class ProgrammeLine:
    """One programme as `/cohort programmes` lists it."""

    name: str
    length_months: int
    coaching_allowance: int
    timezone: str
    cohorts: Sequence[str]


def programmes_message(programmes: Sequence[ProgrammeLine]) -> Message:
    """The reply to `/cohort programmes`."""
    text = render("programmes/programmes.j2", programmes=programmes)
    return Message(text=text, blocks=(HeaderBlock(text="Programmes"), section(text)))


@dataclass(frozen=True)
class TimetableLine:
    """One session in a timetable."""

    id: int
    title: str
    kind: str
    when: str
    where: str
    compulsory: bool
    audience: str
    cancelled: bool


# Slack refuses a section longer than 3000 characters.
_SECTION_CHARS = 2900


def _pack(lines: Sequence[str], room: int) -> tuple[list[str], int]:
    """Lines joined into at most `room` sections; also how many lines did not fit."""
    sections: list[str] = []
    for index, line in enumerate(lines):
        if sections and len(sections[-1]) + len(line) + 1 <= _SECTION_CHARS:
            sections[-1] += "\n" + line
        elif len(sections) < room:
            sections.append(line[:_SECTION_CHARS])
        else:
            return sections, len(lines) - index
    return sections, 0


def timetable_message(heading: str, lines: Sequence[TimetableLine], *, footer: str) -> Message:
    """A timetable, one line per session, packed into as few blocks as Slack allows."""
    if not lines:
        text = f"{heading}: no sessions planned yet."
        return Message(text=text, blocks=(section(escape(text)),))
    rendered = [render("programmes/timetable.j2", lines=[line]) for line in lines]
    sections, left_out = _pack(rendered, MAX_MESSAGE_BLOCKS - 3)
    more = [section(f"…and {left_out} more sessions.")] if left_out else []
    return Message(
        text=f"{heading}: {len(lines)} sessions",
        blocks=(
            HeaderBlock(text=heading[:150]),
            *(section(chunk) for chunk in sections),
            *more,
            ContextBlock(elements=[MarkdownTextObject(text=escape(footer))]),
        ),
    )


def groups_message(
    heading: str, groups: Sequence[tuple[str, Sequence[tuple[str, str]]]]
) -> Message:
    """A cohort's action learning groups, each with members and (after a split) why."""
    if not groups:
        text = f"{heading}: no groups yet. `/cohort groups split` makes them."
        return Message(text=text, blocks=(section(escape(text)),))
    body = [
        section(render("programmes/group.j2", name=name, members=members))
        for name, members in groups
    ]
    return Message(
        text=heading, blocks=(HeaderBlock(text=heading[:150]), *body[: MAX_MESSAGE_BLOCKS - 1])
    )


def session_when(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """Start as 'Tue 7 Mar, 10:00' and end as '13:00' (or a full date when on another day)."""
    start = format_when(starts_at, tz)
    same_day = starts_at.astimezone(tz).date() == ends_at.astimezone(tz).date()
    end = f"{ends_at.astimezone(tz):%H:%M}" if same_day else format_when(ends_at, tz)
    return start, end
