"""What each member of the demo workspace sees: who is in it, and each conversation's timeline."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.demo.clock import DemoClock
from bot.standin import SlackStandin


@dataclass
class Entry:
    """One item in a conversation as one viewer sees it: a message, or a reply only they see."""

    seq: int
    at: datetime
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    ts: str
    ephemeral: bool = False
    viewer: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    edited: bool = False


@dataclass(frozen=True)
class Origin:
    """Where a response_url was handed out: to whom, in which conversation, from which message."""

    user: str
    channel: str
    message_ts: str | None = None
    ephemeral_seq: int | None = None


class Conversations:
    """The demo's Slack workspace as any of its members sees it: its people, channels and messages.

    What Slack shows only to one person (command replies, `response_url` posts,
    `chat.postEphemeral`) is kept here, in the order it arrived, since the stand-in has no
    timeline of its own.
    """

    def __init__(self, standin: SlackStandin, clock: DemoClock) -> None:
        self.standin = standin
        self.clock = clock
        self._seq = itertools.count(1)
        self._seen: dict[tuple[str, str], Entry] = {}
        self._ephemeral: list[Entry] = []
        self._origins: dict[str, Origin] = {}
        self._responses_read = 0
        self._posted_ephemeral_read = 0

    # ------------------------------------------------------------------------ who and where
    def name_of(self, user_id: str) -> str:
        """A member's display name (their real name), or the id when unknown."""
        user = self.standin.workspace.users.get(user_id)
        if user is None:
            return user_id
        return user.real_name or user.name

    def handle_of(self, user_id: str) -> str:
        """A member's @handle."""
        user = self.standin.workspace.users.get(user_id)
        return user.name if user is not None else user_id

    def people(self) -> list[tuple[str, str, str]]:
        """(user id, handle, real name) of every human member."""
        return [
            (u.id, u.name, u.real_name or u.name)
            for u in self.standin.workspace.users.values()
            if not u.is_bot
        ]

    def channels(self, viewer: str) -> list[tuple[str, str]]:
        """(id, name) of the channels the viewer is in (public ones are open to all)."""
        return [
            (c.id, c.name)
            for c in self.standin.workspace.channels.values()
            if not c.is_im and (not c.is_private or viewer in c.members)
        ]

    def dm_of(self, user_id: str) -> str:
        """The id of the member's direct-message conversation with the bot."""
        return self.standin.im_channel_id(user_id)

    def channel_name(self, channel_id: str) -> str:
        """A conversation's name as the sidebar shows it."""
        channel = self.standin.workspace.channels.get(channel_id)
        if channel is None or channel.is_im:
            return "cohortbot"
        return "#" + channel.name

    def mention_text(self, text: str) -> str:
        """Turn typed `@handle`s into the `<@U…|handle>` Slack sends for a picked person."""
        handles = {handle: user_id for user_id, handle, _name in self.people()}
        words = []
        for word in text.split(" "):
            bare = word.removeprefix("@")
            if word.startswith("@") and bare in handles:
                words.append(f"<@{handles[bare]}|{bare}>")
            else:
                words.append(word)
        return " ".join(words)

    # ------------------------------------------------------------------------ the clock
    def now(self) -> datetime:
        """The demo's time."""
        return self.clock()

    # ------------------------------------------------------------------------ reading back
    def _observe(self) -> None:
        ws = self.standin.workspace
        for channel_id, history in list(ws.messages.items()):
            for message in list(history):
                key = (channel_id, message.ts)
                if key not in self._seen:
                    self._seen[key] = Entry(
                        next(self._seq), self.now(), channel_id, message.user, "", None, message.ts
                    )
        responses = self.standin.responses
        for url, payload in responses[self._responses_read :]:
            self._apply_response(url, payload)
        self._responses_read = len(responses)
        posted = self.standin.ephemeral_messages
        for item in posted[self._posted_ephemeral_read :]:
            self._add_ephemeral(str(item["user"]), str(item["channel"]), item)
        self._posted_ephemeral_read = len(posted)

    def _apply_response(self, url: str, payload: dict[str, Any]) -> None:
        origin = self._origins.get(url)
        if origin is None:
            return
        replace_original = str(payload.get("replace_original", "")).lower() == "true"
        delete_original = str(payload.get("delete_original", "")).lower() == "true"
        if origin.ephemeral_seq is not None and (replace_original or delete_original):
            for entry in self._ephemeral:
                if entry.seq == origin.ephemeral_seq:
                    entry.text = str(payload.get("text", ""))
                    entry.blocks = payload.get("blocks")
                    entry.edited = True
            return
        if origin.message_ts is not None and replace_original:
            self.standin.replace_message(
                origin.channel,
                origin.message_ts,
                text=str(payload.get("text", "")),
                blocks=payload.get("blocks"),
            )
            return
        if origin.message_ts is not None and delete_original:
            self.standin.delete_message(origin.channel, origin.message_ts)
            return
        self._add_ephemeral(origin.user, origin.channel, payload)

    def forget_replies(self) -> None:
        """Drop the replies only their askers saw (the seed's), so the first screen is the bot's."""
        self._observe()
        self._ephemeral.clear()

    def _add_ephemeral(self, user_id: str, channel: str, payload: Mapping[str, Any]) -> None:
        seq = next(self._seq)
        blocks = payload.get("blocks")
        self._ephemeral.append(
            Entry(
                seq,
                self.now(),
                channel,
                self.standin.workspace.bot_user_id,
                str(payload.get("text") or ""),
                list(blocks) if blocks else None,
                f"ephemeral-{seq}",
                ephemeral=True,
                viewer=user_id,
            )
        )

    def timeline(self, viewer: str, channel: str, *, since: int = 0) -> list[Entry]:
        """What `viewer` sees in a conversation, oldest first: messages and their own replies.

        `since` leaves out what came before that sequence number (for a caller that has read it).
        """
        self._observe()
        entries: list[Entry] = []
        for message in self.standin.messages_in(channel):
            seen = self._seen.get((channel, message.ts))
            if seen is None or seen.seq <= since:
                continue
            entries.append(
                replace(
                    seen,
                    user=message.user,
                    text=message.text,
                    blocks=message.blocks,
                    files=list(message.files or []),
                    edited=message.edited_ts is not None,
                )
            )
        entries.extend(
            e
            for e in self._ephemeral
            if e.viewer == viewer and e.channel == channel and e.seq > since
        )
        return sorted(entries, key=lambda e: e.seq)

    def file_content(self, file_id: str) -> tuple[str, bytes] | None:
        """A file's name and bytes, for its download link."""
        file = self.standin.files.get(file_id)
        if file is None or file.content is None:
            return None
        return file.filename, file.content
