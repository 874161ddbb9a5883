"""`/cohort status`: is the bot healthy, and what may this person do?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.roles import roles_of
from db.models import Programme


@dataclass(frozen=True)
class StatusFacts:
    """What `/cohort status` reports."""

    version: str
    database: str
    roles: Sequence[str]
    programme_count: int


@cache
def cohortbot_version() -> str:
    """The installed package version (read once: importlib.metadata parses it on every call)."""
    try:
        return version("cohortbot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def describe_status(
    session: Session, slack_user_id: str, *, is_workspace_admin: bool
) -> StatusFacts:
    """Facts for `/cohort status`, gathered in one unit of work."""
    bind = session.get_bind()
    roles = sorted(
        role.value
        for role in roles_of(session, slack_user_id, is_workspace_admin=is_workspace_admin)
    )
    return StatusFacts(
        version=cohortbot_version(),
        database=bind.dialect.name,
        roles=roles,
        programme_count=session.scalar(select(func.count()).select_from(Programme)) or 0,
    )
