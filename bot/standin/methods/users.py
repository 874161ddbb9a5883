"""users.* methods: info, lookupByEmail, list."""

from __future__ import annotations

import time
from typing import Any

from bot.standin.methods.context import MethodContext, SlackError


def info(ctx: MethodContext) -> dict[str, Any]:
    """users.info: the user object, with time zone, admin flag and profile."""
    user_id = ctx.text("user") or ""
    user = ctx.workspace.users.get(user_id)
    if user is None:
        raise SlackError("user_not_found", f"no user {user_id}")
    return {"ok": True, "user": user.to_api()}


def lookup_by_email(ctx: MethodContext) -> dict[str, Any]:
    """users.lookupByEmail: find a user by e-mail address, ignoring case."""
    email = (ctx.text("email") or "").lower()
    for user in ctx.workspace.users.values():
        if user.email is not None and user.email.lower() == email:
            return {"ok": True, "user": user.to_api()}
    raise SlackError("users_not_found", f"no user with e-mail {email}")


def list_users(ctx: MethodContext) -> dict[str, Any]:
    """users.list: every user, in one page."""
    rendered = [user.to_api() for user in ctx.workspace.users.values()]
    return {
        "ok": True,
        "members": rendered,
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": ""},
    }
