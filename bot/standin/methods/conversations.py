"""conversations.* methods: open, info, history, replies, members, list."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from bot.standin.methods.context import MethodContext, SlackError
from bot.standin.workspace import Channel, Message

MAX_PAGE = 999
MAX_MPIM_USERS = 8


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int:
    """Turn a cursor from an earlier page back into an offset, refusing garbage as Slack does."""
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if kind == "offset":
            return int(offset)
    except ValueError:
        pass
    raise SlackError("invalid_cursor", f"cursor {cursor!r} did not come from the stand-in")


def _page(ctx: MethodContext, items: list[Any], default_limit: int) -> tuple[list[Any], str]:
    """Slice one page of items; returns the page and the next cursor ("" on the last page)."""
    limit = min(max(ctx.integer("limit", default_limit), 1), MAX_PAGE)
    offset = _decode_cursor(ctx.text("cursor"))
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, _encode_cursor(offset + limit) if more else ""


def open_conversation(ctx: MethodContext) -> dict[str, Any]:
    """conversations.open: a stable IM per user ("D" + the id's tail), or an MPIM for several."""
    ws = ctx.workspace
    if ctx.text("channel") is not None:
        channel = ctx.channel_by_id()
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel.id}}
    user_ids = [user.strip() for user in (ctx.text("users") or "").split(",") if user.strip()]
    for user_id in user_ids:
        if user_id not in ws.users:
            raise SlackError("user_not_found", f"no user {user_id}")
    if len(user_ids) > MAX_MPIM_USERS:
        raise SlackError("too_many_users", f"{len(user_ids)} users; Slack allows {MAX_MPIM_USERS}")
    if len(user_ids) == 1:
        channel_id = "D" + user_ids[0][1:]
        existed = channel_id in ws.channels
        channel = ws.im_channel_for(user_ids[0])
    else:
        digest = hashlib.sha1(",".join(sorted(user_ids)).encode()).hexdigest()[:9].upper()
        channel_id = "G" + digest
        existed = channel_id in ws.channels
        members = [*sorted(user_ids), ws.bot_user_id]
        channel = ws.channels.setdefault(
            channel_id,
            Channel(channel_id, name=f"mpdm-{digest.lower()}", is_private=True, members=members),
        )
    answer: dict[str, Any] = {"ok": True, "channel": {"id": channel.id}}
    if existed:
        answer.update({"no_op": True, "already_open": True})
    if ctx.flag("return_im"):
        answer["channel"] = channel.to_api(bot_user_id=ws.bot_user_id)
    return answer


def info(ctx: MethodContext) -> dict[str, Any]:
    """conversations.info: the conversation object."""
    channel = ctx.channel_by_id()
    rendered = channel.to_api(
        bot_user_id=ctx.workspace.bot_user_id, include_num_members=ctx.flag("include_num_members")
    )
    return {"ok": True, "channel": rendered}


def _in_window(ctx: MethodContext, message: Message) -> bool:
    """Apply oldest/latest (exclusive unless `inclusive`) to one message."""
    ts = float(message.ts)
    oldest = ctx.number("oldest") or 0.0
    latest = ctx.number("latest")
    inclusive = ctx.flag("inclusive")
    if ts < oldest or (ts == oldest and not inclusive):
        return False
    return latest is None or ts < latest or (ts == latest and inclusive)


def _render(ctx: MethodContext, messages: list[Message]) -> list[dict[str, Any]]:
    ws = ctx.workspace
    with_metadata = ctx.flag("include_all_metadata")
    return [
        m.to_api(team_id=ws.team_id, app_id=ws.app_id, include_metadata=with_metadata)
        for m in messages
    ]


# The spec lists all four history scopes as alternatives; Slack wants the one for the channel's kind.
_HISTORY_SCOPE = {
    (True, False): "im:history",
    (True, True): "im:history",
    (False, False): "channels:history",
    (False, True): "groups:history",
}


def history(ctx: MethodContext) -> dict[str, Any]:
    """conversations.history: newest first, thread replies left out unless broadcast."""
    channel = ctx.channel_by_id()
    ctx.require_scope(_HISTORY_SCOPE[(channel.is_im, channel.is_private)])
    messages = [
        m
        for m in ctx.workspace.history(channel.id)
        if (not m.is_reply or m.reply_broadcast) and _in_window(ctx, m)
    ]
    messages.sort(key=lambda m: float(m.ts), reverse=True)
    page, next_cursor = _page(ctx, messages, default_limit=100)
    return {
        "ok": True,
        "messages": _render(ctx, page),
        "has_more": bool(next_cursor),
        "pin_count": 0,
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(ctx: MethodContext) -> dict[str, Any]:
    """conversations.replies: a thread's parent and replies, oldest first."""
    channel = ctx.channel_by_id()
    ts = ctx.text("ts") or ""
    thread = [
        m
        for m in ctx.workspace.history(channel.id)
        if (m.ts == ts or m.thread_ts == ts) and _in_window(ctx, m)
    ]
    if not any(m.ts == ts for m in ctx.workspace.history(channel.id)):
        raise SlackError("thread_not_found", f"no message {ts} in {channel.id}")
    thread.sort(key=lambda m: float(m.ts))
    page, next_cursor = _page(ctx, thread, default_limit=1000)
    return {
        "ok": True,
        "messages": _render(ctx, page),
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def members(ctx: MethodContext) -> dict[str, Any]:
    """conversations.members: the member user ids."""
    channel = ctx.channel_by_id()
    page, next_cursor = _page(ctx, list(channel.members), default_limit=100)
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def list_conversations(ctx: MethodContext) -> dict[str, Any]:
    """conversations.list: channels of the requested types."""
    ws = ctx.workspace
    types = set((ctx.text("types") or "public_channel").split(","))
    exclude_archived = ctx.flag("exclude_archived")

    def wanted(channel: Channel) -> bool:
        if channel.is_im:
            kind = "im"
        elif channel.id.startswith("G") and channel.name.startswith("mpdm-"):
            kind = "mpim"
        else:
            kind = "private_channel" if channel.is_private else "public_channel"
        return kind in types and not (exclude_archived and channel.is_archived)

    chosen = [c.to_api(bot_user_id=ws.bot_user_id) for c in ws.channels.values() if wanted(c)]
    page, next_cursor = _page(ctx, chosen, default_limit=100)
    return {"ok": True, "channels": page, "response_metadata": {"next_cursor": next_cursor}}
