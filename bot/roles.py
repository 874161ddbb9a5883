"""Who may do what: role grants, bootstrapped from the configuration and workspace admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record_change
from bot.errors import PermissionDenied
from db.models import Role, RoleGrant

BOOTSTRAP_ACTOR = "COHORTBOT_COORDINATORS"


def roles_of(
    session: Session, slack_user_id: str, *, is_workspace_admin: bool = False
) -> set[Role]:
    """Every role `slack_user_id` holds in any programme; workspace admins are coordinators."""
    held = set(
        session.scalars(select(RoleGrant.role).where(RoleGrant.slack_user_id == slack_user_id))
    )
    if is_workspace_admin:
        held.add(Role.COORDINATOR)
    return held


def require_coordinator(session: Session, slack_user_id: str, *, is_workspace_admin: bool) -> None:
    """Raise `PermissionDenied` unless the user is a coordinator."""
    if Role.COORDINATOR not in roles_of(
        session, slack_user_id, is_workspace_admin=is_workspace_admin
    ):
        raise PermissionDenied(
            "Sorry, only programme coordinators can do that. "
            "Ask a coordinator if you think you should be one."
        )


def bootstrap_coordinators(session: Session, slack_user_ids: Iterable[str], now: datetime) -> int:
    """Grant the coordinator role to each configured user who lacks it; returns how many were new."""
    existing = set(
        session.scalars(
            select(RoleGrant.slack_user_id).where(
                RoleGrant.role == Role.COORDINATOR, RoleGrant.programme_id.is_(None)
            )
        )
    )
    granted = 0
    for slack_user_id in dict.fromkeys(slack_user_ids):
        if slack_user_id in existing:
            continue
        grant = RoleGrant(
            slack_user_id=slack_user_id,
            role=Role.COORDINATOR,
            programme_id=None,
            granted_by=BOOTSTRAP_ACTOR,
            granted_at=now,
        )
        session.add(grant)
        session.flush()
        record_change(
            session,
            actor=BOOTSTRAP_ACTOR,
            action="role.grant",
            entity=grant,
            before=None,
            after={"slack_user_id": slack_user_id, "role": Role.COORDINATOR.value},
            now=now,
        )
        granted += 1
    return granted
