"""Block Kit for final assessments: the recording modal, offering another date, the report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.labels import LEVEL_LABELS, READINESS_LABELS
from bot.core.mrkdwn import mention
from bot.core.render import render
from bot.core.timefmt import format_when
from bot.reporting.assessment_report import AssessmentReport
from bot.reporting.assessments import (
    DEVELOPMENT_AREAS,
    MAX_NOTE_LENGTH,
    MAX_OTHER_AREAS_LENGTH,
    MAX_PANEL_LENGTH,
    NON_ATTENDANCE_REASONS,
    RecordedAssessment,
    box_name,
)
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section
from bot.slack.blocks.enrolment import chunked_sections
from bot.slack.ids.assessments import (
    ATTENDED,
    BOX_BLOCK,
    DID_NOT_ATTEND,
    NO,
    YES,
    CallbackId,
    Field,
)
from db.enums import Level

_GRID_ROWS = (Level.HIGH, Level.MEDIUM, Level.LOW)  # potential, top to bottom
_GRID_COLUMNS = (Level.LOW, Level.MEDIUM, Level.HIGH)  # performance, left to right


def _options(choices: Sequence[tuple[str, str]]) -> list[Option]:
    return [Option(value=value, text=label) for value, label in choices]


def _select(
    field: Field,
    label: str,
    choices: Sequence[tuple[str, str]],
    hint: str,
    *,
    dispatch_action: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=True,
        hint=hint,
        dispatch_action=dispatch_action,
        element=StaticSelectElement(action_id=field, options=_options(choices)),
    )


def _text(field: Field, label: str, max_length: int, hint: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(action_id=field, max_length=max_length),
    )


@dataclass(frozen=True)
class AssessmentForm:
    """Whose assessment the modal records (kept in the modal's metadata, to redraw it)."""

    enrolment_id: int
    name: str
    cohort: str
    today: date

    def to_json(self) -> str:
        """As kept in `private_metadata`."""
        return json.dumps({**asdict(self), "today": self.today.isoformat()})

    @classmethod
    def from_json(cls, stored: str) -> AssessmentForm:
        """The form `to_json` kept."""
        data = json.loads(stored)
        return cls(
            int(data["enrolment_id"]),
            str(data["name"]),
            str(data["cohort"]),
            date.fromisoformat(data["today"]),
        )


def box_line(performance: Level | None, potential: Level | None) -> str:
    """The nine-box position chosen so far, in words."""
    if performance is None or potential is None:
        return "Nine-box position: choose performance and potential."
    return f"Nine-box position: *{box_name(performance, potential)}*"


def assessment_modal(
    form: AssessmentForm, *, performance: Level | None = None, potential: Level | None = None
) -> View:
    """The 'Record assessment' modal; grading is optional here because a non-attender has none.

    Choosing performance or potential redraws it (`dispatch_action`) to name the box.
    """
    name, cohort, today = form.name, form.cohort, form.today
    attendance = [(ATTENDED, "Attended and graded"), (DID_NOT_ATTEND, "Did not attend")]
    levels = [(level.value, label) for level, label in LEVEL_LABELS.items()]
    blocks: list[Block] = [
        section(render("assessments/form_intro.j2", name=name, cohort=cohort)),
        InputBlock(
            block_id=Field.ATTENDED,
            label="Attendance",
            element=RadioButtonsElement(
                action_id=Field.ATTENDED,
                options=_options(attendance),
                initial_option=_options(attendance)[0],
            ),
        ),
        InputBlock(
            block_id=Field.DATE,
            label="Date of the assessment",
            element=DatePickerElement(action_id=Field.DATE, initial_date=today.isoformat()),
        ),
        _text(Field.PANEL, "Panel", MAX_PANEL_LENGTH, "Who sat on the panel."),
        InputBlock(
            block_id=Field.READINESS,
            label="Readiness for a director role",
            optional=True,
            element=RadioButtonsElement(
                action_id=Field.READINESS,
                options=_options([(r.value, label) for r, label in READINESS_LABELS.items()]),
            ),
        ),
        _select(
            Field.PERFORMANCE, "Performance", levels, "Nine-box grid: across.", dispatch_action=True
        ),
        _select(Field.POTENTIAL, "Potential", levels, "Nine-box grid: up.", dispatch_action=True),
        ContextBlock(
            block_id=BOX_BLOCK,
            elements=[MarkdownTextObject(text=box_line(performance, potential))],
        ),
        InputBlock(
            block_id=Field.AREAS,
            label="Development areas",
            optional=True,
            element=CheckboxesElement(
                action_id=Field.AREAS, options=_options([(a, a) for a in DEVELOPMENT_AREAS])
            ),
        ),
        _text(
            Field.OTHER_AREAS,
            "Other development areas",
            MAX_OTHER_AREAS_LENGTH,
            "Separate them with commas.",
        ),
        InputBlock(
            block_id=Field.FEEDBACK,
            label="Feedback given to them?",
            element=RadioButtonsElement(
                action_id=Field.FEEDBACK,
                options=_options([(YES, "Yes"), (NO, "No")]),
                initial_option=_options([(NO, "No")])[0],
            ),
        ),
        section("*If they did not attend*: no grading is needed, only why."),
        _select(
            Field.REASON,
            "Why they did not attend",
            list(NON_ATTENDANCE_REASONS.items()),
            "You can offer them another date next.",
        ),
        _text(Field.REASON_NOTE, "Note on the reason", MAX_NOTE_LENGTH),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.RECORD,
        title="Record assessment",
        submit="Save",
        close="Cancel",
        private_metadata=form.to_json(),
        blocks=blocks,
    )


def recorded_view(recorded: RecordedAssessment) -> View:
    """What the modal becomes once saved; after a non-attendance, a form to offer another date."""
    text = render("assessments/recorded.j2", r=recorded)
    choices, tz = recorded.other_sessions, recorded.tz
    if recorded.attended or not choices:
        extra = (
            ""
            if recorded.attended
            else "\n" + render("assessments/no_other_session.j2", name=recorded.name)
        )
        return View(
            type="modal",
            callback_id=CallbackId.RECORD,
            title="Assessment saved",
            close="Done",
            blocks=[section(text + extra)],
        )
    options = [
        (
            str(choice.session_id),
            f"#{choice.session_id} {format_when(choice.starts_at, tz)} {choice.title}"[:75],
        )
        for choice in choices
    ]
    return View(
        type="modal",
        callback_id=CallbackId.OFFER,
        title="Assessment saved",
        submit="Offer this date",
        close="Not now",
        private_metadata=json.dumps({"enrolment_id": recorded.enrolment_id}),
        blocks=[
            section(text),
            InputBlock(
                block_id=Field.OFFER_SESSION,
                label="Offer another assessment date",
                element=StaticSelectElement(
                    action_id=Field.OFFER_SESSION, options=_options(options)
                ),
            ),
        ],
    )


def offered_view(name: str, title: str, when: str) -> View:
    """Confirms that the invitation to another date is on its way."""
    return View(
        type="modal",
        callback_id=CallbackId.OFFER,
        title="Date offered",
        close="Done",
        blocks=[section(render("assessments/offered.j2", name=name, title=title, when=when))],
    )


def offered_message(name: str, title: str, when: str) -> Message:
    """The reply to `/cohort assess offer`."""
    text = render("assessments/offered.j2", name=name, title=title, when=when)
    return Message(text=text, blocks=(section(text),))


def grid_lines(grid: dict[tuple[Level, Level], int]) -> list[str]:
    """The nine-box grid as monospaced text: potential up the side, performance along the bottom."""
    lines = ["Potential"]
    for potential in _GRID_ROWS:
        cells = "".join(
            f"{grid.get((performance, potential), 0):>8}" for performance in _GRID_COLUMNS
        )
        lines.append(f"{LEVEL_LABELS[potential]:<9}{cells}")
    lines.append(" " * 9 + "".join(f"{LEVEL_LABELS[p]:>8}" for p in _GRID_COLUMNS))
    lines.append(" " * 17 + "Performance")
    return lines


def report_message(report: AssessmentReport) -> Message:
    """The coordinators' report: counts, readiness, the nine-box grid and where everyone stands."""
    head = render(
        "assessments/report.j2",
        r=report,
        readiness=[
            (label, report.readiness_counts.get(r, 0)) for r, label in READINESS_LABELS.items()
        ],
        grid="\n".join(grid_lines(report.grid)),
    )
    lines = [
        render(
            "assessments/report_line.j2",
            who=mention(line.slack_user_id) if line.slack_user_id else line.name,
            line=line,
        )
        for line in report.lines
    ]
    blocks = [section(head), *chunked_sections(lines, max_blocks=MAX_MESSAGE_BLOCKS - 1)]
    return Message(text="\n".join([head, *lines]), blocks=blocks)
