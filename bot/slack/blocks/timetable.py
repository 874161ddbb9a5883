"""Block Kit for the timetable import: the paste modal with its preview, the preview of a shared
file with its import button, and the exported table."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.core.mrkdwn import escape
from bot.core.slack_limits import MAX_SECTION_CHARACTERS, MAX_VIEW_BLOCKS, section_chunks
from bot.programmes.timetable_table import COLUMNS
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section, sections
from bot.slack.blocks.programmes import CONFIRMED
from bot.slack.ids.programmes import ActionId, CallbackId, Field

# Slack's limit on what a plain-text input holds; a longer table goes in a file.
MAX_PASTED_CHARACTERS = 3000
HOW_TO_PASTE = (
    "Copy the table from your spreadsheet or document, header row included, and paste it here. "
    f"Columns: {', '.join(COLUMNS)} (times and group may be left out). A table longer than "
    f"{MAX_PASTED_CHARACTERS:,} characters: share it with me in a direct message as CSV or XLSX."
)


def timetable_import_modal(
    programme: str,
    *,
    table: str,
    metadata: str,
    preview: str | None = None,
    confirm: bool = False,
) -> View:
    """The paste box, with the preview of what was pasted and, for warnings, the confirmation."""
    blocks: list[Block] = [section(escape(HOW_TO_PASTE))]
    if preview:
        room = MAX_VIEW_BLOCKS - 5
        shown = sections(preview)
        blocks += shown[:room]
    if confirm:
        blocks.append(
            InputBlock(
                block_id=Field.CONFIRM,
                label="Confirm",
                element=CheckboxesElement(
                    action_id=Field.CONFIRM,
                    options=[Option(value=CONFIRMED, text="I have checked these: import anyway")],
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=Field.TABLE,
            label="Timetable",
            hint="Tab-separated, as copied from a spreadsheet or document table, or CSV",
            element=PlainTextInputElement(
                action_id=Field.TABLE,
                multiline=True,
                max_length=MAX_PASTED_CHARACTERS,
                initial_value=table or None,
            ),
        )
    )
    return View(
        type="modal",
        callback_id=CallbackId.TIMETABLE_IMPORT,
        title="Import timetable",
        submit="Import" if preview else "Preview",
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )


def timetable_imported_view(text: str) -> View:
    """What the import did."""
    return View(type="modal", title="Imported", close="Done", blocks=[section(escape(text))])


def timetable_file_preview_message(
    preview: str,
    *,
    importable: int,
    token: str | None,
    action_id: ActionId = ActionId.IMPORT_TIMETABLE_FILE,
    noun: str = "session",
) -> Message:
    """A shared file's preview, with the button that imports it (and confirms its warnings)."""
    blocks: list[Block] = []
    blocks += sections(preview)[: MAX_MESSAGE_BLOCKS - 1]
    if token is not None:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(
                            text=f"Import {importable} {noun}{'' if importable == 1 else 's'}"
                        ),
                        action_id=action_id,
                        value=token,
                        style="primary",
                    )
                ]
            )
        )
    return Message(text=preview.splitlines()[0], blocks=blocks)


def timetable_export_message(programme: str, table: str) -> Message:
    """The timetable as a table to copy into a spreadsheet (or back into the import)."""
    head = (
        f"*Timetable of {escape(programme)}*, one row per session. Copy it into a spreadsheet, "
        f'or change it and paste it back with `/cohort timetable import "{escape(programme)}"`.'
    )
    # Each part is a code block of its own, so a long table still copies as a table.
    parts = section_chunks(escape(table.rstrip()), MAX_SECTION_CHARACTERS - 6)
    blocks = [section(head), *(section(f"```{part}```") for part in parts)]
    return Message(text=f"Timetable of {programme}", blocks=blocks[:MAX_MESSAGE_BLOCKS])
