"""Block Kit for help and status (the App Home is in `bot.slack.blocks.home`)."""

from __future__ import annotations

from functools import cache

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject

from bot.core.render import render
from bot.core.slack_limits import MAX_MESSAGE_CHARACTERS, line_batches
from bot.home.command_catalogue import COMMAND, Subcommand
from bot.home.status import StatusFacts
from bot.slack.blocks import Message, mrkdwn_notice, section, sections

_HELP_FOOTER = "Replies to commands are only visible to you."


@cache
def help_messages(subcommands: tuple[Subcommand, ...]) -> tuple[Message, ...]:
    """What `/cohort help` shows, in as many messages as Slack's advice of 4,000 characters needs.

    Cached: the catalogue is fixed for the life of the process, and help is answered inside the
    acknowledgement, so it should cost nothing to build.
    """
    listing = render("help.j2", subcommands=subcommands)
    first_heading = f"{COMMAND} commands:"
    later_heading = f"{COMMAND} commands (continued):"
    # Room for the lines once the longest heading, the header block and the footer are counted,
    # so that both the fallback text and the blocks' text keep within the advice.
    title = "cohortbot commands"
    room = MAX_MESSAGE_CHARACTERS - len(later_heading) - len(title) - len(_HELP_FOOTER) - 3
    batches = line_batches(listing.splitlines(), room)
    messages: list[Message] = []
    for index, batch in enumerate(batches):
        part = "\n".join(batch)
        last = index == len(batches) - 1
        heading = first_heading if index == 0 else later_heading
        blocks: list[Block] = [HeaderBlock(text=title)] if index == 0 else []
        blocks.extend(sections(part))
        if last:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_HELP_FOOTER)]))
        messages.append(Message(text=f"{heading}\n{part}", blocks=tuple(blocks)))
    return tuple(messages)


def unknown_subcommand_message(name: str, suggestion: Subcommand | None) -> Message:
    """The reply to a subcommand that does not exist."""
    return mrkdwn_notice(
        render("unknown_subcommand.j2", command=COMMAND, name=name, suggestion=suggestion)
    )


def status_message(facts: StatusFacts) -> Message:
    """The reply to `/cohort status`."""
    text = render("status.j2", facts=facts)
    return Message(text=text, blocks=(HeaderBlock(text="cohortbot status"), section(text)))
