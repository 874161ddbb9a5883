"""A session's register as plain data: each invitee's reply, attendance and the form's pre-fill."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.concurrency import fingerprint
from db.enums import AttendanceStatus, RsvpStatus


@dataclass(frozen=True)
class RegisterEntry:
    """One invitee: their reply, their recorded attendance, and what the form starts with."""

    invitation_id: int
    name: str
    slack_user_id: str | None
    rsvp: RsvpStatus
    rsvp_reason: str | None
    attendance: AttendanceStatus
    attendance_reason: str | None
    checked_in: str | None
    prefill: AttendanceStatus
    prefill_reason: str | None


def recorded_fingerprint(recorded: Iterable[tuple[int, AttendanceStatus, str | None]]) -> str:
    """What a register page showed as recorded, to tell on saving whether it changed meanwhile."""
    return fingerprint(
        {str(invitation_id): [status.value, reason] for invitation_id, status, reason in recorded}
    )


@dataclass(frozen=True)
class Register:
    """A session's register."""

    session_id: int
    title: str
    when: str
    cancelled: bool
    entries: tuple[RegisterEntry, ...]
    can_record: bool

    def page_fingerprint(self, entries: Iterable[RegisterEntry]) -> str:
        """The fingerprint of what these entries show as recorded."""
        return recorded_fingerprint(
            (entry.invitation_id, entry.attendance, entry.attendance_reason) for entry in entries
        )

    def count(self, status: str) -> int:
        """How many invitees have this attendance."""
        return sum(entry.attendance == status for entry in self.entries)

    @property
    def recorded(self) -> int:
        """How many invitees have their attendance recorded."""
        return len(self.entries) - self.count(AttendanceStatus.UNKNOWN)

    @property
    def rate_percent(self) -> int:
        """Present as a whole percentage of those recorded."""
        return round(100 * self.count(AttendanceStatus.PRESENT) / self.recorded)
