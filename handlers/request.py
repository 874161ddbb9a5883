"""The person behind a Slack request, with the checks every listener needs."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from functools import cached_property
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.core.errors import CohortbotError, InvalidInput
from bot.core.roles import require_coordinator, roles_of
from bot.slack.app_context import Services
from db.models import Role


def button_number(action: dict[str, Any]) -> int:
    """The record id a button carries in its value; a tampered or stale value is refused."""
    try:
        return int(action.get("value", ""))
    except ValueError:
        raise CohortbotError("That button is not one I recognise; nothing was changed.") from None


def picked_date(picked: str | None, field: str) -> date | None:
    """A datepicker's value (None when empty); one that is not a real date is refused on `field`."""
    if not picked:
        return None
    try:
        return date.fromisoformat(picked)
    except (TypeError, ValueError):
        raise InvalidInput(
            "That is not a date I can read: pick one from the calendar.", field=field
        ) from None


class SlackRequest:
    """Who is asking, and the services to answer them with."""

    def __init__(self, user_id: str, context: dict[str, Any], client: WebClient) -> None:
        self.user_id = user_id
        self.services = Services.of(context)
        self.client = client

    def now(self) -> datetime:
        """The clock's time for this request."""
        return self.services.clock()

    def uow(self) -> AbstractContextManager[Session]:
        """One unit of work: commits at the end, rolls back on error."""
        return self.services.uow()

    @cached_property
    def is_workspace_admin(self) -> bool:
        """Whether Slack says the user administers the workspace (admins are coordinators too)."""
        user = self.client.users_info(user=self.user_id)["user"]
        return bool(user.get("is_admin") or user.get("is_owner"))

    def roles(self, session: Session) -> set[Role]:
        """The roles the user holds."""
        return roles_of(session, self.user_id, is_workspace_admin=self.is_workspace_admin)

    def require_coordinator(self, session: Session) -> None:
        """Raise `PermissionDenied` unless the user is a coordinator."""
        require_coordinator(session, self.user_id, is_workspace_admin=self.is_workspace_admin)
