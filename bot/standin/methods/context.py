"""What every method handler receives (MethodContext) and how it refuses a call (SlackError)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from bot.standin.block_validation import Rejection, decode_json_argument
from bot.standin.workspace import Channel, Workspace


class SlackError(Exception):
    """An `ok: false` answer; `violation` marks a breach of contract rather than a state error."""

    def __init__(
        self,
        error: str,
        reason: str = "",
        *,
        violation: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{error}: {reason}" if reason else error)
        self.error = error
        self.reason = reason
        self.violation = violation
        self.extra = extra or {}

    @classmethod
    def rejected(cls, method: str, rejection: Rejection) -> SlackError:
        """Turn a payload rejection into a contract-violation error."""
        return cls(rejection.error, f"{method}: {rejection.reason}", violation=True)


@dataclass
class MethodContext:
    """One call being answered: its arguments plus access to the workspace and the stand-in."""

    method: str
    args: dict[str, Any]
    workspace: Workspace
    base_url: str
    note_problem: Callable[[str], None]
    open_socket_url: Callable[[], str]
    extras: dict[str, Any] = field(default_factory=dict)
    # None means every scope is granted (see SlackStandin.grant_only).
    granted_scopes: Collection[str] | None = None

    def require_scope(self, scope: str) -> None:
        """Refuse with missing_scope unless `scope` was granted, as Slack checks per conversation type."""
        if self.granted_scopes is not None and scope not in self.granted_scopes:
            raise SlackError(
                "missing_scope",
                f"{self.method} on this kind of conversation needs {scope}",
                violation=True,
                extra={"needed": scope, "provided": ",".join(sorted(self.granted_scopes))},
            )

    def text(self, name: str) -> str | None:
        """Return an argument as a string, or None when absent or empty."""
        value = self.args.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def flag(self, name: str) -> bool:
        """Return a boolean argument; forms spell it "true"/"1", JSON as a boolean."""
        value = self.args.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def integer(self, name: str, default: int) -> int:
        """Return an integer argument, or the default when absent."""
        value = self.args.get(name)
        return default if value is None or value == "" else int(value)

    def number(self, name: str) -> float | None:
        """Return a numeric argument (such as a ts), or None when absent."""
        value = self.args.get(name)
        return None if value is None or value == "" else float(value)

    def json_value(self, name: str) -> Any:
        """Return a JSON argument decoded, whether it arrived as a string or inline."""
        value = self.args.get(name)
        return None if value is None or value == "" else decode_json_argument(value)

    def channel_by_id(self, name: str = "channel", error: str = "channel_not_found") -> Channel:
        """Return the conversation named by an ID argument, or refuse with `error`."""
        reference = self.text(name)
        channel = self.workspace.channels.get(reference or "")
        if channel is None:
            raise SlackError(error, f"no conversation {reference!r}")
        return channel
