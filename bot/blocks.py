"""Block Kit builders: plain data in, `slack_sdk.models` blocks out, always with fallback text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.command_catalogue import COMMAND, Subcommand
from bot.render import render

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


@dataclass(frozen=True)
class Message:
    """A Slack message: blocks plus the plain-text fallback used for notifications and screen readers."""

    text: str
    blocks: Sequence[Block] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("a message needs fallback text")
        if len(self.blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")

    def as_kwargs(self) -> dict[str, Any]:
        """Arguments for chat.postMessage, ack() or respond()."""
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}


def section(mrkdwn: str) -> SectionBlock:
    """A section of (already escaped) mrkdwn text."""
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn))


def notice(text: str) -> Message:
    """A one-section message, for short replies and errors."""
    return Message(text=text, blocks=(section(text),))


def help_message(subcommands: Sequence[Subcommand]) -> Message:
    """What `/cohort help` shows."""
    listing = render("help.j2", subcommands=subcommands)
    return Message(
        text=f"{COMMAND} commands:\n{listing}",
        blocks=(
            HeaderBlock(text="cohortbot commands"),
            section(listing),
            ContextBlock(
                elements=[MarkdownTextObject(text="Replies to commands are only visible to you.")]
            ),
        ),
    )


def unknown_subcommand_message(name: str, suggestion: Subcommand | None) -> Message:
    """The reply to a subcommand that does not exist."""
    return notice(
        render("unknown_subcommand.j2", command=COMMAND, name=name, suggestion=suggestion)
    )


@dataclass(frozen=True)
class StatusFacts:
    """What `/cohort status` reports."""

    version: str
    database: str
    roles: Sequence[str]
    programme_count: int


def status_message(facts: StatusFacts) -> Message:
    """The reply to `/cohort status`."""
    text = render("status.j2", facts=facts)
    return Message(text=text, blocks=(HeaderBlock(text="cohortbot status"), section(text)))


def home_view(roles: Sequence[str]) -> View:
    """The App Home tab."""
    text = render("home.j2", roles=roles, command=COMMAND)
    return View(
        type="home",
        blocks=[HeaderBlock(text="cohortbot"), DividerBlock(), section(text)],
    )
