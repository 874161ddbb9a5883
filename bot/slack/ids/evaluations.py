"""Ids for evaluation forms: the button that opens one, its modal pages and their fields."""

from __future__ import annotations

from enum import StrEnum

from bot.evaluations.answers import question_field


class ActionId(StrEnum):
    """Buttons about evaluations."""

    # In the DM sent when a form opens, and its reminder; the value is the request id.
    OPEN_FORM = "evaluation.open_form"
    # In the 30- and 90-day commitment follow-up DM; the value is the follow-up id.
    COMMITMENT_YES = "evaluation.commitment_yes"
    COMMITMENT_PARTLY = "evaluation.commitment_partly"
    COMMITMENT_NOT_YET = "evaluation.commitment_not_yet"


class CallbackId(StrEnum):
    """Modals about evaluations."""

    # Every page of a form; private_metadata says which request and page.
    FORM_PAGE = "evaluation.form_page"
    # The note added to a commitment follow-up answer.
    COMMITMENT_NOTE = "evaluation.commitment_note"


class BlockId(StrEnum):
    """Blocks of evaluation messages and of the commitment note modal."""

    REQUEST_ACTIONS = "evaluation.request.actions"
    COMMITMENT_ACTIONS = "evaluation.commitment.actions"
    COMMITMENT_NOTE = "evaluation.commitment_note.note"


# The input block holding a question's answer is named by the area, so the two cannot diverge.
question_block_id = question_field


ANSWER_INPUT = "evaluation.answer"
COMMITMENT_NOTE_INPUT = "evaluation.commitment_note.input"
