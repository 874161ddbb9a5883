"""The stand-in's in-memory Slack workspace: users, channels, messages, views, files, triggers.

Nothing here locks; SlackStandin serialises every access under its own lock.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

TRIGGER_LIFETIME_SECONDS = 3.0
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME_SECONDS = 30 * 60


@dataclass
class User:
    """A workspace member, as users.info describes them."""

    id: str
    name: str
    email: str | None = None
    tz: str = "Europe/London"
    is_admin: bool = False
    deleted: bool = False
    real_name: str | None = None
    is_bot: bool = False
    team_id: str = ""

    def to_api(self) -> dict[str, Any]:
        """Render the user object Slack returns from users.info."""
        zone = ZoneInfo(self.tz)
        now = datetime.now(zone)
        offset = now.utcoffset()
        real_name = self.real_name or self.name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "team": self.team_id,
        }
        if self.email is not None:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": profile,
        }


@dataclass
class Channel:
    """A conversation: public or private channel, or a direct message (IM) with one user."""

    id: str
    name: str
    is_archived: bool = False
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    im_user: str | None = None
    bot_is_member: bool = True
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def is_im(self) -> bool:
        """True for a direct-message conversation."""
        return self.im_user is not None

    def to_api(self, *, bot_user_id: str, include_num_members: bool = False) -> dict[str, Any]:
        """Render the conversation object Slack returns from conversations.info."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": self.bot_is_member or bot_user_id in self.members,
            "created": self.created,
            "creator": bot_user_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if include_num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class Message:
    """A message as stored in a conversation's history."""

    channel: str
    ts: str
    text: str
    user: str
    bot_id: str | None = None
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    files: list[dict[str, Any]] | None = None
    edited_ts: str | None = None

    @property
    def is_reply(self) -> bool:
        """True for a thread reply (not the thread's parent)."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(
        self, *, team_id: str, app_id: str, include_metadata: bool = False
    ) -> dict[str, Any]:
        """Render the message object Slack returns in conversations.history."""
        data: dict[str, Any] = {
            "type": "message",
            "user": self.user,
            "text": self.text,
            "ts": self.ts,
        }
        data["team"] = team_id
        if self.bot_id is not None:
            data["bot_id"] = self.bot_id
            data["app_id"] = app_id
        optional = {
            "blocks": self.blocks,
            "attachments": self.attachments,
            "thread_ts": self.thread_ts,
            "files": self.files,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        if self.edited_ts is not None:
            data["edited"] = {"user": self.user, "ts": self.edited_ts}
        if include_metadata and self.metadata is not None:
            data["metadata"] = self.metadata
        return data


@dataclass
class StoredView:
    """A modal or Home tab the app has opened, pushed or published."""

    id: str
    view: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    user_id: str | None = None

    def to_api(self, *, team_id: str, app_id: str, bot_id: str) -> dict[str, Any]:
        """Render the view object Slack returns from views.*."""
        rendered = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "submit": None,
            "close": None,
            **self.view,
        }
        rendered.update(
            {
                "id": self.id,
                "team_id": team_id,
                "state": {"values": {}},
                "hash": self.hash,
                "root_view_id": self.root_view_id,
                "previous_view_id": self.previous_view_id,
                "app_id": app_id,
                "app_installed_team_id": team_id,
                "bot_id": bot_id,
            }
        )
        return rendered


@dataclass
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal, the upload URL and completion."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    title: str | None = None
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    # Set for files a member shared (SlackStandin.share_file): who, what kind, where to fetch it.
    user: str | None = None
    filetype: str | None = None
    url_private: str | None = None
    url_private_download: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))

    def to_api(self, *, bot_user_id: str) -> dict[str, Any]:
        """Render the file object Slack returns from files.completeUploadExternal and files.info."""
        rendered: dict[str, Any] = {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "alt_txt": self.alt_txt,
            "size": len(self.content) if self.content is not None else 0,
            "user": self.user or bot_user_id,
            "channels": list(self.channels),
            "created": self.created,
        }
        if self.filetype is not None:
            rendered["filetype"] = self.filetype
            rendered["mimetype"] = "text/csv" if self.filetype == "csv" else "text/plain"
        if self.url_private is not None:
            rendered["url_private"] = self.url_private
        if self.url_private_download is not None:
            rendered["url_private_download"] = self.url_private_download
        return rendered


@dataclass
class Trigger:
    """A trigger_id handed out with an interaction; valid once, for a few seconds."""

    id: str
    issued_at: float
    lifetime: float
    user_id: str | None = None
    view_id: str | None = None
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url handed out with an interaction; Slack allows five uses in 30 minutes."""

    token: str
    created_at: float
    uses: int = 0


@dataclass
class Workspace:
    """All state of the simulated workspace."""

    team_id: str
    bot_user_id: str
    bot_id: str = "B0STANDIN"
    app_id: str = "A0STANDIN"
    epoch: int = field(default_factory=lambda: int(time.time()))
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    ephemeral: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, StoredView] = field(default_factory=dict)
    home_views: dict[str, StoredView] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    response_urls: dict[str, ResponseUrl] = field(default_factory=dict)
    _counter: int = 0

    def next_ts(self) -> str:
        """Return a fresh, strictly increasing message timestamp such as "1700000000.000100"."""
        self._counter += 1
        micros = self._counter * 100
        return f"{self.epoch + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """Return a Slack-looking identifier such as "V0A1B2C3D4"."""
        return prefix + secrets.token_hex(5).upper()

    def im_channel_for(self, user_id: str) -> Channel:
        """Return the direct-message conversation with a user, opening it if need be."""
        channel_id = "D" + user_id[1:]
        channel = self.channels.get(channel_id)
        if channel is None:
            channel = Channel(channel_id, name=channel_id, im_user=user_id, members=[user_id])
            self.channels[channel_id] = channel
        return channel

    def resolve_channel(self, reference: str) -> Channel | None:
        """Find a conversation by id, by name ("#name" or "name") or by a member's user id."""
        if reference in self.channels:
            return self.channels[reference]
        name = reference.removeprefix("#")
        for channel in self.channels.values():
            if not channel.is_im and channel.name == name:
                return channel
        if reference in self.users:
            return self.im_channel_for(reference)
        return None

    def history(self, channel_id: str) -> list[Message]:
        """Return the live message list of a conversation (oldest first)."""
        return self.messages.setdefault(channel_id, [])

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        """Return the message with this ts in the conversation, if any."""
        return next((m for m in self.history(channel_id) if m.ts == ts), None)

    def view_hash(self) -> str:
        """Return a fresh view hash in Slack's "seconds.random" shape."""
        return f"{int(time.time())}.{secrets.token_hex(4)}"
