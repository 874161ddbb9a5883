"""Who may do what: role grants, bootstrapped from the configuration and workspace admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record_change
from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.labels import ROLE_AS_NOUN
from bot.core.mrkdwn import shorten
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
    granted = 0
    for slack_user_id in dict.fromkeys(slack_user_ids):
        if _global_grant(session, slack_user_id, Role.COORDINATOR) is None:
            grant_role(
                session,
                slack_user_id=slack_user_id,
                role=Role.COORDINATOR,
                actor=BOOTSTRAP_ACTOR,
                now=now,
            )
            granted += 1
    return granted


def parse_role(text: str) -> Role:
    """A role named by a user ('coordinator', 'Steering', 'steering-group'), or `InvalidInput`."""
    aliases = {"steering-group": Role.STEERING, "steering_group": Role.STEERING}
    key = text.strip().lower()
    if key in aliases:
        return aliases[key]
    try:
        return Role(key)
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise InvalidInput(
            f"There is no role called '{shorten(text)}'. Roles: {names}.", field="role"
        ) from None


def grant_role(
    session: Session, *, slack_user_id: str, role: Role, actor: str, now: datetime
) -> RoleGrant:
    """Give `slack_user_id` a workspace-wide role; refused if they already hold it."""
    if _global_grant(session, slack_user_id, role) is not None:
        raise InvalidInput(f"They are already {ROLE_AS_NOUN[role]}.", field="role")
    grant = RoleGrant(
        slack_user_id=slack_user_id, role=role, programme_id=None, granted_by=actor, granted_at=now
    )
    session.add(grant)
    session.flush()
    after = {"slack_user_id": slack_user_id, "role": role.value}
    record_change(
        session, actor=actor, action="role.grant", entity=grant, before=None, after=after, now=now
    )
    return grant


def revoke_role(
    session: Session, *, slack_user_id: str, role: Role, actor: str, now: datetime
) -> None:
    """Take a workspace-wide role away; refused if they do not hold it."""
    grant = _global_grant(session, slack_user_id, role)
    if grant is None:
        raise InvalidInput(
            f"They are not {ROLE_AS_NOUN[role]}, so there is nothing to remove.", field="role"
        )
    before = {"slack_user_id": slack_user_id, "role": role.value, "granted_by": grant.granted_by}
    record_change(
        session, actor=actor, action="role.revoke", entity=grant, before=before, after=None, now=now
    )
    session.delete(grant)


def role_holders(session: Session) -> dict[Role, list[str]]:
    """Every role and the Slack user ids holding it, in grant order."""
    holders: dict[Role, list[str]] = {role: [] for role in Role}
    grants = session.scalars(select(RoleGrant).order_by(RoleGrant.granted_at, RoleGrant.id))
    for grant in grants:
        holders[grant.role].append(grant.slack_user_id)
    return holders


def _global_grant(session: Session, slack_user_id: str, role: Role) -> RoleGrant | None:
    return session.scalar(
        select(RoleGrant).where(
            RoleGrant.slack_user_id == slack_user_id,
            RoleGrant.role == role,
            RoleGrant.programme_id.is_(None),
        )
    )
