"""Domain errors: services raise these; the Slack shell turns them into a friendly reply."""

from __future__ import annotations


class CohortbotError(Exception):
    """A problem the user can act on; `str(error)` is the message shown to them."""


class PermissionDenied(CohortbotError):
    """The user does not hold the role the action needs."""


class NotFound(CohortbotError):
    """Something the user named does not exist."""


class InvalidInput(CohortbotError):
    """User input that cannot be accepted; `field` names the form field or argument at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
