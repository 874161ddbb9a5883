"""chat.* methods: post, post ephemeral, update, delete, permalink."""

from __future__ import annotations

from typing import Any

from bot.standin.block_validation import (
    MAX_MESSAGE_TEXT,
    check_attachments,
    check_message_blocks,
    check_metadata,
)
from bot.standin.methods.context import MethodContext, SlackError
from bot.standin.workspace import Channel, Message


def _check_content(ctx: MethodContext) -> None:
    """Refuse bad blocks, attachments, metadata or over-long text; note blocks without fallback."""
    checks = (
        ("blocks", check_message_blocks),
        ("attachments", check_attachments),
        ("metadata", check_metadata),
    )
    for name, check in checks:
        if ctx.args.get(name) not in (None, ""):
            rejection = check(ctx.args[name])
            if rejection is not None:
                raise SlackError.rejected(ctx.method, rejection)
    text = ctx.text("text") or ""
    if len(text) > MAX_MESSAGE_TEXT:
        reason = f"{ctx.method}: text is {len(text)} characters; Slack allows {MAX_MESSAGE_TEXT}"
        raise SlackError("msg_too_long", reason, violation=True)
    if ctx.args.get("blocks") and not text and not ctx.text("markdown_text"):
        # Slack accepts this, but notifications and screen readers then have nothing to show.
        ctx.note_problem(
            "blocks sent without a fallback `text` (used for notifications and screen readers)"
        )


def _postable_channel(ctx: MethodContext) -> Channel:
    """Resolve the target conversation and refuse where Slack would refuse to post."""
    reference = ctx.text("channel") or ""
    channel = ctx.workspace.resolve_channel(reference)
    if channel is None:
        raise SlackError("channel_not_found", f"no conversation {reference!r}")
    if channel.is_archived:
        raise SlackError("is_archived", f"{channel.name} is archived")
    if channel.im_user is not None:
        user = ctx.workspace.users.get(channel.im_user)
        if user is not None and user.deleted:
            raise SlackError("account_inactive", f"{channel.im_user} has been deactivated")
    elif not channel.bot_is_member and ctx.workspace.bot_user_id not in channel.members:
        raise SlackError("not_in_channel", f"the bot is not a member of {channel.name}")
    return channel


def _blocks(ctx: MethodContext) -> list[dict[str, Any]] | None:
    value = ctx.json_value("blocks")
    return list(value) if value is not None else None


def _attachments(ctx: MethodContext) -> list[dict[str, Any]] | None:
    value = ctx.json_value("attachments")
    return list(value) if value is not None else None


def _metadata(ctx: MethodContext) -> dict[str, Any] | None:
    value = ctx.json_value("metadata")
    return dict(value) if value is not None else None


def _message_api(ctx: MethodContext, message: Message) -> dict[str, Any]:
    ws = ctx.workspace
    return message.to_api(team_id=ws.team_id, app_id=ws.app_id, include_metadata=True)


def post_message(ctx: MethodContext) -> dict[str, Any]:
    """chat.postMessage: append a bot message to the conversation."""
    _check_content(ctx)
    channel = _postable_channel(ctx)
    ws = ctx.workspace
    message = Message(
        channel=channel.id,
        ts=ws.next_ts(),
        text=ctx.text("text") or ctx.text("markdown_text") or "",
        user=ws.bot_user_id,
        bot_id=ws.bot_id,
        blocks=_blocks(ctx),
        attachments=_attachments(ctx),
        metadata=_metadata(ctx),
        thread_ts=ctx.text("thread_ts"),
        reply_broadcast=ctx.flag("reply_broadcast"),
    )
    ws.history(channel.id).append(message)
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "message": _message_api(ctx, message),
    }


def post_ephemeral(ctx: MethodContext) -> dict[str, Any]:
    """chat.postEphemeral: record a message only one user would see."""
    _check_content(ctx)
    channel = _postable_channel(ctx)
    ws = ctx.workspace
    user_id = ctx.text("user") or ""
    user = ws.users.get(user_id)
    in_channel = not channel.members or user_id in channel.members
    if user is None or user.deleted or not in_channel:
        raise SlackError("user_not_in_channel", f"{user_id} is not in {channel.id}")
    ts = ws.next_ts()
    ws.ephemeral.append(
        {
            "channel": channel.id,
            "user": user_id,
            "ts": ts,
            "text": ctx.text("text") or "",
            "blocks": _blocks(ctx),
            "thread_ts": ctx.text("thread_ts"),
        }
    )
    return {"ok": True, "message_ts": ts}


def _own_message(ctx: MethodContext, refusal: str) -> tuple[Channel, Message]:
    """Find the bot's own message named by channel + ts, refusing as Slack does."""
    channel = ctx.channel_by_id()
    ts = ctx.text("ts") or ""
    message = ctx.workspace.find_message(channel.id, ts)
    if message is None:
        raise SlackError("message_not_found", f"no message {ts} in {channel.id}")
    if message.user != ctx.workspace.bot_user_id:
        raise SlackError(refusal, f"message {ts} was not posted by the bot")
    return channel, message


def update(ctx: MethodContext) -> dict[str, Any]:
    """chat.update: replace the given parts of one of the bot's messages."""
    _check_content(ctx)
    channel, message = _own_message(ctx, "cant_update_message")
    if channel.is_archived:
        raise SlackError("is_inactive", f"{channel.name} is archived")
    # Slack keeps blocks, attachments and metadata that the update does not mention.
    if "text" in ctx.args:
        message.text = ctx.text("text") or ""
    if ctx.args.get("blocks") is not None:
        message.blocks = _blocks(ctx)
    if ctx.args.get("attachments") is not None:
        message.attachments = _attachments(ctx)
    if ctx.args.get("metadata") is not None:
        message.metadata = _metadata(ctx)
    message.edited_ts = ctx.workspace.next_ts()
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": _message_api(ctx, message),
    }


def delete(ctx: MethodContext) -> dict[str, Any]:
    """chat.delete: remove one of the bot's messages."""
    channel, message = _own_message(ctx, "cant_delete_message")
    ctx.workspace.history(channel.id).remove(message)
    return {"ok": True, "channel": channel.id, "ts": message.ts}


def get_permalink(ctx: MethodContext) -> dict[str, Any]:
    """chat.getPermalink: a stable link to a message."""
    channel = ctx.channel_by_id()
    ts = ctx.text("message_ts") or ""
    if ctx.workspace.find_message(channel.id, ts) is None:
        raise SlackError("message_not_found", f"no message {ts} in {channel.id}")
    link = f"https://standin.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
    return {"ok": True, "channel": channel.id, "permalink": link}
