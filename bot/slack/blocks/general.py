"""Block Kit for help and status (the App Home is in `bot.slack.blocks.home`)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject

from bot.core.render import render
from bot.home.command_catalogue import COMMAND, Subcommand
from bot.home.status import StatusFacts
from bot.slack.blocks import Message, mrkdwn_notice, section, sections


def help_message(subcommands: Sequence[Subcommand]) -> Message:
    """What `/cohort help` shows."""
    listing = render("help.j2", subcommands=subcommands)
    return Message(
        text=f"{COMMAND} commands:\n{listing}",
        blocks=(
            HeaderBlock(text="cohortbot commands"),
            *sections(listing),
            ContextBlock(
                elements=[MarkdownTextObject(text="Replies to commands are only visible to you.")]
            ),
        ),
    )


def unknown_subcommand_message(name: str, suggestion: Subcommand | None) -> Message:
    """The reply to a subcommand that does not exist."""
    return mrkdwn_notice(
        render("unknown_subcommand.j2", command=COMMAND, name=name, suggestion=suggestion)
    )


def status_message(facts: StatusFacts) -> Message:
    """The reply to `/cohort status`."""
    text = render("status.j2", facts=facts)
    return Message(text=text, blocks=(HeaderBlock(text="cohortbot status"), section(text)))
