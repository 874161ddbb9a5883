"""How a `/cohort` subcommand is wired: its catalogue entry and the function that serves it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.home.command_catalogue import Invocation, Subcommand
from bot.slack.blocks import Message
from handlers.request import SlackRequest


class CommandRequest(SlackRequest):
    """One `/cohort` invocation: the person, their arguments, and where it was typed."""

    def __init__(
        self,
        command: dict[str, Any],
        invocation: Invocation,
        context: dict[str, Any],
        client: WebClient,
    ) -> None:
        super().__init__(command["user_id"], context, client)
        self.invocation = invocation
        self.arguments = invocation.arguments
        self.channel_id: str = command.get("channel_id", "")
        self.trigger_id: str = command.get("trigger_id", "")

    def rest(self, index: int) -> str:
        """The free text from argument `index` to the end, as typed (a reason, a note)."""
        return self.invocation.rest(index)


# What a subcommand answers: one message, several (sent in order), or None when it has replied
# another way (a modal).
Reply = Message | tuple[Message, ...] | None


def reply_messages(reply: Reply) -> tuple[Message, ...]:
    """A reply as the messages to send, in order."""
    if reply is None:
        return ()
    return (reply,) if isinstance(reply, Message) else reply


@dataclass(frozen=True)
class Route:
    """A subcommand and its handler."""

    subcommand: Subcommand
    handle: Callable[[CommandRequest], Reply]
    # A message answered inside the acknowledgement, made from what was typed alone (it touches
    # neither the database nor Slack); what `handle` replies follows through the response_url.
    acknowledgement: Callable[[Invocation], Message] | None = None
    # Answered through the response_url only, after an acknowledgement known at once (no modal,
    # which needs the trigger within 3 seconds): served by the worker process
    # (`handlers.hand_off`).
    handed_off: bool = False
