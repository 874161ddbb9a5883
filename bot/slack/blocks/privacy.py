"""Block Kit for data-subject rights: the erasure confirmation modal and what it becomes."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option
from slack_sdk.models.views import View

from bot.core.mrkdwn import escape
from bot.privacy.erasure import ErasurePreview, ErasureResult
from bot.slack.blocks import section, sections
from bot.slack.ids.privacy import CONFIRMED, CallbackId, Field

KEPT = (
    "Kept as an anonymous unit, so that figures stay right: statuses, dates, attendance, "
    "coaching counts, grades, outcome kinds, region and organisation type. The audit trail "
    "keeps that an erasure happened, by you and when, not whom."
)


def erase_confirmation_view(preview: ErasurePreview) -> View:
    """Lists what erasing the person removes; submitting it erases them."""
    lines = "\n".join(f"• {escape(line)}" for line in preview.goes) or "• nothing beyond the name"
    return View(
        type="modal",
        callback_id=CallbackId.ERASE,
        title="Erase a person",
        submit="Erase",
        close="Cancel",
        private_metadata=json.dumps({"person_id": preview.person_id}),
        blocks=[
            section(f"*Erase {escape(preview.name)}?* This cannot be undone. What will go:"),
            *sections(lines),
            section(KEPT),
            InputBlock(
                block_id=Field.CONFIRM,
                label="Confirm",
                element=CheckboxesElement(
                    action_id=Field.CONFIRM,
                    options=[
                        Option(value=CONFIRMED, text="I have checked this is the right person")
                    ],
                ),
            ),
        ],
    )


def erased_view(result: ErasureResult) -> View:
    """What the confirmation modal becomes once the person is erased."""
    return View(
        type="modal",
        callback_id=CallbackId.ERASE,
        title="Person erased",
        close="Done",
        blocks=[
            section(
                f"Erased: {result.records} records anonymised or removed, and "
                f"{result.audit_values} values taken out of the audit trail."
            )
        ],
    )
