"""A programme's reminder policy: when reminders go, in which hours, and what counts as quorum.

Stored as JSON on `Programme.reminder_policy`; an empty policy means the defaults (14 days, 2 days
and on the day; 09:00-17:00 Monday to Friday, skipping bank holidays; quorum half the invitees).
Pure: no database, no Slack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from bot.core.dates import parse_time
from bot.core.errors import InvalidInput
from bot.core.mrkdwn import shorten
from bot.core.working_hours import WorkingHours
from db.enums import SessionKind

ALL_KINDS = "all"
MAX_DAYS_BEFORE = 90
MAX_POINTS = 6
DEFAULT_DAYS: tuple[int, ...] = (14, 2, 0)
DEFAULT_QUORUM = 0.5


@dataclass(frozen=True)
class ReminderPoint:
    """A reminder `days_before` a session (0: on the day)."""

    name: str
    days_before: int


def point(days_before: int) -> ReminderPoint:
    """The reminder point `days_before` a session, named as in idempotency keys ('2-days')."""
    return ReminderPoint("on-the-day" if days_before == 0 else f"{days_before}-days", days_before)


@dataclass(frozen=True)
class ReminderPolicy:
    """When a programme's participants are reminded, per session kind."""

    default_days: tuple[int, ...] = DEFAULT_DAYS
    days_by_kind: Mapping[SessionKind, tuple[int, ...]] = field(default_factory=dict)
    start: time = time(9, 0)
    end: time = time(17, 0)
    quorum: float = DEFAULT_QUORUM

    def days_for(self, kind: SessionKind) -> tuple[int, ...]:
        """Days before a session of `kind` that reminders go, latest-first order of sending."""
        return self.days_by_kind.get(kind, self.default_days)

    def points_for(self, kind: SessionKind) -> tuple[ReminderPoint, ...]:
        """The reminder points for a session of `kind`."""
        return tuple(point(days) for days in self.days_for(kind))

    @property
    def hours(self) -> WorkingHours:
        """The working hours reminders are sent in."""
        return WorkingHours(start=self.start, end=self.end)

    @property
    def longest_lead(self) -> int:
        """The most days before a session that any reminder goes."""
        every = [*self.default_days, *(d for days in self.days_by_kind.values() for d in days)]
        return max(every, default=0)

    def with_days(self, kind_text: str, days_text: str) -> ReminderPolicy:
        """This policy with new reminder days for one session kind, or for all (dropping overrides)."""
        days = parse_days(days_text)
        if kind_text.strip().lower() == ALL_KINDS:
            return replace(self, default_days=days, days_by_kind={})
        kind = parse_kind(kind_text)
        return replace(self, days_by_kind={**self.days_by_kind, kind: days})

    def with_hours(self, text: str) -> ReminderPolicy:
        """This policy with new working hours, written '08:30-16:30'."""
        start, end = parse_hours(text)
        return replace(self, start=start, end=end)

    def with_quorum(self, text: str) -> ReminderPolicy:
        """This policy with a new quorum, written '0.5' or '50%'."""
        return replace(self, quorum=parse_quorum(text))

    def to_json(self) -> dict[str, Any]:
        """As stored in `Programme.reminder_policy`."""
        return {
            "days": {
                ALL_KINDS: list(self.default_days),
                **{kind.value: list(days) for kind, days in sorted(self.days_by_kind.items())},
            },
            "hours": f"{self.start:%H:%M}-{self.end:%H:%M}",
            "quorum": self.quorum,
        }


def parse_days(text: str, field: str = "days") -> tuple[int, ...]:
    """Read '21,7,2,0' as days before a session, most first; refuse anything odd."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise InvalidInput("Give the days before the session, such as 14,2,0.", field=field)
    days = []
    for part in parts:
        if not part.isdigit() or int(part) > MAX_DAYS_BEFORE:
            raise InvalidInput(
                f"'{shorten(part)}' is not a number of days from 0 (the day itself) to {MAX_DAYS_BEFORE}.",
                field=field,
            )
        days.append(int(part))
    if len(set(days)) != len(days):
        raise InvalidInput("Each day should appear only once.", field=field)
    if len(days) > MAX_POINTS:
        raise InvalidInput(f"At most {MAX_POINTS} reminders per session, please.", field=field)
    return tuple(sorted(days, reverse=True))


def parse_kind(text: str, field: str = "kind") -> SessionKind:
    """Read a session kind such as 'action_learning_set'."""
    cleaned = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return SessionKind(cleaned)
    except ValueError:
        choices = ", ".join([*(kind.value for kind in SessionKind), ALL_KINDS])
        raise InvalidInput(
            f"'{shorten(text)}' is not a session kind. Choose from: {choices}.", field=field
        ) from None


def parse_hours(text: str, field: str = "hours") -> tuple[time, time]:
    """Read '08:30-16:30' as the start and end of working hours."""
    start_text, dash, end_text = text.partition("-")
    if not dash:
        raise InvalidInput(
            f"'{shorten(text)}' is not a range of hours such as 09:00-17:00.", field=field
        )
    start, end = parse_time(start_text, field), parse_time(end_text, field)
    if end <= start:
        raise InvalidInput("The working day must end after it starts.", field=field)
    return start, end


def parse_quorum(text: str, field: str = "quorum") -> float:
    """Read '0.5' or '50%' as the share of invitees who must say they will come."""
    cleaned = text.strip()
    try:
        value = float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)
    except ValueError:
        raise InvalidInput(
            f"'{shorten(text)}' is not a share such as 0.5 or 50%.", field=field
        ) from None
    if not 0 < value <= 1:
        raise InvalidInput("The quorum must be more than 0 and at most 1 (100%).", field=field)
    return value


def parse_policy(stored: Mapping[str, Any] | None) -> ReminderPolicy:
    """Read a stored policy; missing parts take the defaults. Raises `InvalidInput` if malformed."""
    policy = ReminderPolicy()
    if not stored:
        return policy
    if not isinstance(stored, Mapping):
        raise InvalidInput("A reminder policy must be a JSON object.")
    days = stored.get("days", {})
    if not isinstance(days, Mapping):
        raise InvalidInput("'days' must map session kinds to lists of days.")
    # 'all' replaces every override, so it is read first.
    for kind_text in sorted(days, key=lambda name: name != ALL_KINDS):
        values = days[kind_text]
        if not isinstance(values, Sequence) or isinstance(values, str):
            raise InvalidInput(f"Days for {kind_text} must be a list.")
        policy = policy.with_days(str(kind_text), ",".join(str(v) for v in values))
    if "hours" in stored:
        policy = policy.with_hours(str(stored["hours"]))
    if "quorum" in stored:
        policy = policy.with_quorum(str(stored["quorum"]))
    return policy


def policy_or_default(stored: Mapping[str, Any] | None) -> ReminderPolicy:
    """The stored policy, or the defaults if it cannot be read (so one bad row stops nothing)."""
    try:
        return parse_policy(stored)
    except InvalidInput:
        return ReminderPolicy()
