"""auth.test, api.test and apps.connections.open (Socket Mode)."""

from __future__ import annotations

from typing import Any

from bot.standin.methods.context import MethodContext, SlackError


def auth_test(ctx: MethodContext) -> dict[str, Any]:
    """auth.test: who the bot token belongs to."""
    ws = ctx.workspace
    bot = ws.users.get(ws.bot_user_id)
    return {
        "ok": True,
        "url": "https://standin.slack.com/",
        "team": "Stand-in workspace",
        "user": bot.name if bot is not None else "bot",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def api_test(ctx: MethodContext) -> dict[str, Any]:
    """api.test: echo the arguments; `error` makes it fail with that code."""
    error = ctx.text("error")
    if error is not None:
        raise SlackError(error, "api.test was asked to fail", extra={"args": dict(ctx.args)})
    return {"ok": True, "args": dict(ctx.args)}


def connections_open(ctx: MethodContext) -> dict[str, Any]:
    """apps.connections.open: a one-time WebSocket URL on the stand-in's Socket Mode server."""
    return {"ok": True, "url": ctx.open_socket_url()}
