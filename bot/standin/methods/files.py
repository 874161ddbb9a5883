"""files.* methods for the external upload flow that WebClient.files_upload_v2 uses."""

from __future__ import annotations

from typing import Any

from bot.standin.block_validation import check_message_blocks
from bot.standin.methods.context import MethodContext, SlackError
from bot.standin.workspace import Message, UploadedFile

MAX_ALT_TEXT = 1000


def get_upload_url(ctx: MethodContext) -> dict[str, Any]:
    """files.getUploadURLExternal: reserve a file id and hand out an upload URL on the stand-in."""
    length = ctx.integer("length", 0)
    if length <= 0:
        raise SlackError("missing_argument", "length must be above zero", violation=True)
    alt_txt = ctx.text("alt_txt")
    if alt_txt is not None and len(alt_txt) > MAX_ALT_TEXT:
        reason = f"alt_txt is {len(alt_txt)} characters; Slack allows {MAX_ALT_TEXT}"
        raise SlackError("alt_txt_too_large", reason, violation=True)
    ws = ctx.workspace
    file = UploadedFile(
        id=ws.new_id("F"),
        filename=ctx.text("filename") or "",
        length=length,
        alt_txt=alt_txt,
        snippet_type=ctx.text("snippet_type"),
    )
    ws.files[file.id] = file
    return {"ok": True, "upload_url": f"{ctx.base_url}/upload/{file.id}", "file_id": file.id}


def _share_targets(ctx: MethodContext) -> list[str]:
    """Resolve channel_id / channels to conversation ids, refusing unknown or archived ones."""
    references = [ctx.text("channel_id") or ""]
    references += (ctx.text("channels") or "").split(",")
    targets: list[str] = []
    for reference in filter(None, (r.strip() for r in references)):
        channel = ctx.workspace.resolve_channel(reference)
        if channel is None:
            raise SlackError("invalid_channel", f"no conversation {reference!r}")
        if channel.is_archived:
            raise SlackError("posting_to_channel_denied", f"{channel.name} is archived")
        targets.append(channel.id)
    return targets


def complete_upload(ctx: MethodContext) -> dict[str, Any]:
    """files.completeUploadExternal: finish uploads and share them, with the initial comment."""
    ws = ctx.workspace
    entries = ctx.json_value("files")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "id" in e for e in entries):
        raise SlackError(
            "invalid_arguments", "files must be a JSON array of {id, title}", violation=True
        )
    if ctx.args.get("blocks"):
        rejection = check_message_blocks(ctx.args["blocks"])
        if rejection is not None:
            raise SlackError.rejected(ctx.method, rejection)
    files: list[UploadedFile] = []
    for entry in entries:
        file = ws.files.get(str(entry["id"]))
        if file is None or file.content is None:
            raise SlackError("file_not_found", f"file {entry['id']} was not uploaded")
        files.append(file)
    targets = _share_targets(ctx)
    for file, entry in zip(files, entries, strict=True):
        file.title = entry.get("title") or file.title or file.filename
        file.completed = True
        file.channels.extend(targets)
        file.initial_comment = ctx.text("initial_comment")
        file.thread_ts = ctx.text("thread_ts")
    rendered = [file.to_api(bot_user_id=ws.bot_user_id) for file in files]
    for channel_id in targets:
        ws.history(channel_id).append(
            Message(
                channel=channel_id,
                ts=ws.next_ts(),
                text=ctx.text("initial_comment") or "",
                user=ws.bot_user_id,
                bot_id=ws.bot_id,
                thread_ts=ctx.text("thread_ts"),
                files=rendered,
            )
        )
    return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in rendered]}


def info(ctx: MethodContext) -> dict[str, Any]:
    """files.info: a file's details."""
    file = ctx.workspace.files.get(ctx.text("file") or "")
    if file is None or not file.completed:
        raise SlackError("file_not_found", f"no file {ctx.text('file')!r}")
    return {"ok": True, "file": file.to_api(bot_user_id=ctx.workspace.bot_user_id)}
