"""views.* methods: open, push and update modals; publish Home tabs."""

from __future__ import annotations

import time
from typing import Any

from bot.standin.block_validation import check_view, decode_json_argument
from bot.standin.methods.context import MethodContext, SlackError
from bot.standin.workspace import StoredView, Trigger

MAX_STACK = 3


def _valid_view(ctx: MethodContext, expected_type: str | None) -> dict[str, Any]:
    """Return the decoded `view` argument, refusing it as Slack would."""
    rejection = check_view(ctx.args.get("view"), expected_type=expected_type)
    if rejection is not None:
        raise SlackError.rejected(ctx.method, rejection)
    view = decode_json_argument(ctx.args["view"])
    assert isinstance(view, dict)  # check_view has made sure
    return view


def _exchange_trigger(ctx: MethodContext) -> Trigger:
    """Use up the trigger_id (or interactivity_pointer), refusing unknown, used or stale ones."""
    trigger_id = ctx.text("trigger_id") or ctx.text("interactivity_pointer") or ""
    trigger = ctx.workspace.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id", f"{trigger_id!r} was never handed out")
    if trigger.used:
        raise SlackError("exchanged_trigger_id", f"{trigger_id!r} has already been used")
    if time.monotonic() - trigger.issued_at > trigger.lifetime:
        raise SlackError("expired_trigger_id", f"{trigger_id!r} is older than {trigger.lifetime} s")
    trigger.used = True
    return trigger


def _check_external_id(ctx: MethodContext, view: dict[str, Any], own_id: str | None) -> None:
    external_id = view.get("external_id")
    if not external_id:
        return
    for stored in ctx.workspace.views.values():
        if stored.view.get("external_id") == external_id and stored.id != own_id:
            raise SlackError("duplicate_external_id", f"external_id {external_id!r} is taken")


def _answer(ctx: MethodContext, stored: StoredView) -> dict[str, Any]:
    ws = ctx.workspace
    return {
        "ok": True,
        "view": stored.to_api(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id),
    }


def open_view(ctx: MethodContext) -> dict[str, Any]:
    """views.open: open a modal as the root of a new stack."""
    view = _valid_view(ctx, expected_type="modal")
    trigger = _exchange_trigger(ctx)
    _check_external_id(ctx, view, None)
    ws = ctx.workspace
    view_id = ws.new_id("V")
    stored = StoredView(
        view_id, view, ws.view_hash(), root_view_id=view_id, user_id=trigger.user_id
    )
    ws.views[view_id] = stored
    return _answer(ctx, stored)


def push(ctx: MethodContext) -> dict[str, Any]:
    """views.push: push a modal onto the stack the trigger came from (at most three deep)."""
    view = _valid_view(ctx, expected_type="modal")
    trigger = _exchange_trigger(ctx)
    _check_external_id(ctx, view, None)
    ws = ctx.workspace
    view_id = ws.new_id("V")
    below = ws.views.get(trigger.view_id or "")
    root_id = below.root_view_id if below is not None else view_id
    depth = sum(1 for stored in ws.views.values() if stored.root_view_id == root_id)
    if below is not None and depth >= MAX_STACK:
        raise SlackError("push_limit_reached", f"the stack under {root_id} is already {depth} deep")
    stored = StoredView(
        view_id,
        view,
        ws.view_hash(),
        root_view_id=root_id,
        previous_view_id=below.id if below is not None else None,
        user_id=trigger.user_id,
    )
    ws.views[view_id] = stored
    return _answer(ctx, stored)


def update(ctx: MethodContext) -> dict[str, Any]:
    """views.update: replace a view found by view_id or external_id, honouring `hash`."""
    ws = ctx.workspace
    view_id, external_id = ctx.text("view_id"), ctx.text("external_id")
    stored = ws.views.get(view_id or "")
    if stored is None and external_id is not None:
        stored = next(
            (v for v in ws.views.values() if v.view.get("external_id") == external_id), None
        )
    if stored is None:
        raise SlackError("not_found", f"no view {view_id or external_id!r}")
    view = _valid_view(ctx, expected_type=stored.view.get("type"))
    given_hash = ctx.text("hash")
    if given_hash is not None and given_hash != stored.hash:
        raise SlackError(
            "hash_conflict", f"hash {given_hash!r} is stale; current is {stored.hash!r}"
        )
    _check_external_id(ctx, view, stored.id)
    stored.view = view
    stored.hash = ws.view_hash()
    return _answer(ctx, stored)


def publish(ctx: MethodContext) -> dict[str, Any]:
    """views.publish: set a user's Home tab, honouring `hash`."""
    ws = ctx.workspace
    user_id = ctx.text("user_id") or ""
    if user_id not in ws.users:
        raise SlackError("invalid_arguments", f"invalid `user_id` {user_id!r}")
    view = _valid_view(ctx, expected_type="home")
    current = ws.home_views.get(user_id)
    given_hash = ctx.text("hash")
    if current is not None and given_hash is not None and given_hash != current.hash:
        raise SlackError(
            "hash_conflict", f"hash {given_hash!r} is stale; current is {current.hash!r}"
        )
    view_id = current.id if current is not None else ws.new_id("V")
    stored = StoredView(view_id, view, ws.view_hash(), root_view_id=view_id, user_id=user_id)
    ws.home_views[user_id] = stored
    return _answer(ctx, stored)
