"""Block Kit builders: plain data in, `slack_sdk.models` blocks out, always with fallback text.

This module holds the pieces every message uses; each area has its own module beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, singledispatch
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.core.mrkdwn import cap, escape
from bot.core.notice import Notice

# The limits are re-exported: builders and tests read them from here.
from bot.core.slack_limits import MAX_MESSAGE_BLOCKS as MAX_MESSAGE_BLOCKS
from bot.core.slack_limits import MAX_SECTION_CHARACTERS as MAX_SECTION_CHARACTERS
from bot.core.slack_limits import MAX_VIEW_BLOCKS as MAX_VIEW_BLOCKS
from bot.core.slack_limits import section_chunks

# Slack truncates a message's text beyond 40,000 characters; a notice never needs more than this.
MAX_FALLBACK_CHARACTERS = 4000


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
        """Arguments for chat.postMessage, ack() or respond(): a new dict each time."""
        return {"text": self.text, "blocks": self._block_dicts}

    @cached_property
    def _block_dicts(self) -> list[dict[str, Any]]:
        # slack_sdk validates every block in `to_dict`; a message kept for the life of the
        # process (help, answered inside the acknowledgement) pays for that once. Callers add
        # keys of their own to the dict `as_kwargs` returns, never to the blocks.
        return [block.to_dict() for block in self.blocks]


def section(mrkdwn: str) -> SectionBlock:
    """A section of (already escaped) mrkdwn text, cut to Slack's limit if it would pass it.

    Replies echo shortened user text already; the cut is the net under anything that grew
    beyond a section (a long list of names, say), which Slack would refuse outright.
    """
    return SectionBlock(text=MarkdownTextObject(text=cap(mrkdwn, MAX_SECTION_CHARACTERS)))


def sections(mrkdwn: str, limit: int = MAX_SECTION_CHARACTERS) -> list[SectionBlock]:
    """`mrkdwn` in as many sections as Slack's length limit needs, split between lines."""
    return [section(chunk) for chunk in section_chunks(mrkdwn, limit)]


def notice(plain_text: str) -> Message:
    """A one-section message of plain text (escaped here), for short replies and errors."""
    return mrkdwn_notice(escape(plain_text))


def mrkdwn_notice(mrkdwn: str) -> Message:
    """A one-section message of mrkdwn that is already escaped (e.g. rendered from a template)."""
    return Message(text=cap(mrkdwn, MAX_FALLBACK_CHARACTERS), blocks=(section(mrkdwn),))


@singledispatch
def to_message(owed: object) -> Message:
    """The Block Kit message for something an area owes (plain data); each area's module adds its own."""
    raise TypeError(f"no Block Kit builder is registered for {type(owed).__name__}")


@singledispatch
def to_payload(owed: object) -> dict[str, Any]:
    """The chat.postMessage arguments for something owed: its message's, unless a kind registers
    a builder of plain dicts (for messages owed by the thousand, where slack_sdk's models and
    their validation would cost more than the rest of the work)."""
    return to_message(owed).as_kwargs()


@to_message.register
def _already_built(owed: Message) -> Message:
    return owed


@to_message.register
def _notice(owed: Notice) -> Message:
    return mrkdwn_notice(owed.mrkdwn)


def notice_modal(title: str, plain_text: str) -> View:
    """A modal that only says something, for where there is no message to reply under."""
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="OK"),
        blocks=[section(escape(plain_text))],
    )
