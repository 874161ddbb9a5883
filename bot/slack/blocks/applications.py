"""Block Kit for advertising rounds, the application form, selection and CSV imports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    EmailInputElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.applications.form import (
    ETHNICITIES,
    GENDERS,
    ORGANISATION_TYPE_LABELS,
    SUPPORTING_STATEMENT_MAX,
    regions,
)
from bot.applications.messages import ApplicationFeedback
from bot.core.render import render
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, mrkdwn_notice, section, to_message
from bot.slack.ids.applications import ActionId, CallbackId, block_id
from db.models import AdvertisingRound, Application, Programme

CONSENT_VALUE = "consent"
DIVERSITY_STATEMENT = (
    "*Diversity monitoring (optional).* We ask about gender and ethnicity only to check that "
    "selection is fair. Your answers are kept only if you tick the consent box; without it they "
    "are discarded and never stored. They play no part in selecting you."
)


def _text_input(
    field: str,
    label: str,
    *,
    initial: str | None = None,
    optional: bool = False,
    multiline: bool = False,
    placeholder: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=ActionId.INPUT,
        initial_value=initial or None,
        multiline=multiline,
        max_length=SUPPORTING_STATEMENT_MAX if multiline else 200,
        placeholder=placeholder,
    )
    return InputBlock(block_id=block_id(field), label=label, element=element, optional=optional)


def _select(
    field: str, label: str, options: Sequence[tuple[str, str]], *, optional: bool = False
) -> InputBlock:
    element = StaticSelectElement(
        action_id=ActionId.INPUT,
        placeholder="Choose one",
        options=[Option(value=value, label=text) for value, text in options],
    )
    return InputBlock(block_id=block_id(field), label=label, element=element, optional=optional)


def apply_view(
    programme: Programme, advertising_round: AdvertisingRound, *, name: str, email: str
) -> View:
    """The application form, pre-filled with the applicant's name and email from Slack."""
    metadata = json.dumps({"programme_id": programme.id, "round_id": advertising_round.id})
    yes_no = [Option(value="yes", label="Yes"), Option(value="no", label="No")]
    blocks: list[Block] = [
        section(
            render("applications/apply_intro.j2", programme=programme, round=advertising_round)
        ),
        _text_input("name", "Name", initial=name),
        InputBlock(
            block_id=block_id("email"),
            label="Email",
            element=EmailInputElement(action_id=ActionId.INPUT, initial_value=email or None),
        ),
        _text_input("job_title", "Job title"),
        _text_input("organisation", "Organisation"),
        _select(
            "organisation_type",
            "Organisation type",
            [(kind.value, label) for kind, label in ORGANISATION_TYPE_LABELS.items()],
        ),
        _select("region", "Region", [(region, region) for region in regions()]),
        _text_input(
            "current_level", "Current level", placeholder="e.g. Deputy director of workforce"
        ),
        InputBlock(
            block_id=block_id("recent_provider_experience"),
            label="Recent experience in a provider organisation?",
            element=RadioButtonsElement(action_id=ActionId.INPUT, options=yes_no),
        ),
        _text_input(
            "professional_accreditation",
            "Professional accreditation",
            optional=True,
            placeholder="e.g. Chartered member of the CIPD",
        ),
        _text_input(
            "supporting_statement",
            f"Supporting statement (up to {SUPPORTING_STATEMENT_MAX} characters)",
            optional=True,
            multiline=True,
        ),
        section(DIVERSITY_STATEMENT),
        InputBlock(
            block_id=block_id("diversity_consent"),
            label="Consent",
            optional=True,
            element=CheckboxesElement(
                action_id=ActionId.INPUT,
                options=[
                    Option(
                        value=CONSENT_VALUE,
                        label="I consent to my diversity answers being stored for monitoring",
                    )
                ],
            ),
        ),
        _select("gender", "Gender", [(g, g) for g in GENDERS], optional=True),
        _select("ethnicity", "Ethnicity", [(e, e) for e in ETHNICITIES], optional=True),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.APPLY,
        title="Apply",
        submit="Send application",
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )


def submitted_values(state_values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, str | None]:
    """The form's answers by field name, as text, from a view submission's state."""
    answers: dict[str, str | None] = {}
    for block, actions in state_values.items():
        value = actions.get(ActionId.INPUT, {})
        field = block.removeprefix("application.")
        if "selected_options" in value:
            chosen = {option["value"] for option in value["selected_options"] or []}
            answers[field] = "yes" if CONSENT_VALUE in chosen else "no"
        elif "selected_option" in value:
            option = value["selected_option"]
            answers[field] = option["value"] if option else None
        else:
            answers[field] = value.get("value")
    return answers


def application_received_message(application: Application) -> Message:
    """The DM confirming an application arrived, with the screening outcome."""
    return mrkdwn_notice(render("applications/received.j2", application=application))


def round_added_message(
    advertising_round: AdvertisingRound, overlapping: Sequence[AdvertisingRound]
) -> Message:
    """The reply to `/cohort round add`, warning about overlapping rounds."""
    text = render(
        "applications/round_added.j2",
        round=advertising_round,
        programme=advertising_round.programme,
        overlapping=overlapping,
    )
    return mrkdwn_notice(text)


def import_help_message() -> Message:
    """The reply to `/cohort import`: how to import a CSV file."""
    return mrkdwn_notice(render("applications/import_help.j2"))


def rounds_message(programme: Programme, rounds: Sequence[AdvertisingRound]) -> Message:
    """`/cohort rounds`."""
    return mrkdwn_notice(render("applications/rounds.j2", programme=programme, rounds=rounds))


@dataclass(frozen=True)
class ApplicationLine:
    """One application as listed."""

    id: int
    name: str
    organisation: str
    status: str
    round: str | None


# Five lines of at most ~450 characters keep a section under Slack's 3000.
_LINES_PER_SECTION = 5


def applications_message(
    programme: Programme, status: str | None, lines: Sequence[ApplicationLine]
) -> Message:
    """`/cohort applications`: a header, sections of ten, a summary when there are too many."""
    title = f"Applications to {programme.name}" + (f" ({status})" if status else "")
    if not lines:
        return mrkdwn_notice(render("applications/none.j2", title=title))
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    summary = render("applications/counts.j2", counts=counts, total=len(lines))
    blocks: list[Block] = [HeaderBlock(text=title[:150]), section(summary)]
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    chunks = [lines[i : i + _LINES_PER_SECTION] for i in range(0, len(lines), _LINES_PER_SECTION)]
    for chunk in chunks[:room]:
        blocks.append(section(render("applications/lines.j2", lines=chunk)))
    shown = min(len(lines), room * _LINES_PER_SECTION)
    if shown < len(lines):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Showing {shown} of {len(lines)}: add a status to narrow the list."
                    )
                ]
            )
        )
    return Message(text=f"{title}\n{summary}", blocks=blocks)


@to_message.register
def feedback_message(owed: ApplicationFeedback) -> Message:
    """The DM giving an unsuccessful applicant their feedback."""
    # The template names the programme as `programme.name`, which a mapping answers as well.
    programme = {"name": owed.programme_name}
    return mrkdwn_notice(
        render("applications/feedback.j2", programme=programme, feedback=owed.feedback)
    )


def import_preview_message(text: str, *, importable: int, token: str | None) -> Message:
    """An import preview (already rendered mrkdwn), with an import button when it can go ahead."""
    blocks: list[Block] = [section(text[:3000])]
    if token is not None:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(text=f"Import {importable} applications"),
                        action_id=ActionId.CONFIRM_IMPORT,
                        value=token,
                        style="primary",
                    )
                ]
            )
        )
    return Message(text=text, blocks=blocks)
