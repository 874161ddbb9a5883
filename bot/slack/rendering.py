"""Installs the Block Kit renderer that the outbox uses to turn what areas owe into Slack payloads.

Each area's builder module registers its messages with `to_message` when imported; importing them
all here means one `install()` at start-up covers every kind of message an area can owe.
"""

from __future__ import annotations

from typing import Any

from bot.core import outbox
from bot.slack.blocks import (  # noqa: F401  (imported for their registrations)
    applications,
    assessments,
    attendance,
    coaching,
    commitments,
    digest,
    enrolment,
    evaluation_form,
    evaluation_requests,
    evaluation_results,
    general,
    home,
    outcomes,
    participation,
    programmes,
    reminders,
    to_payload,
)


def render_payload(owed: object) -> dict[str, Any]:
    """The chat.postMessage arguments for something owed."""
    return to_payload(owed)


def install() -> None:
    """Make the outbox render with Block Kit; every process calls this once as it starts."""
    outbox.install_renderer(render_payload)
