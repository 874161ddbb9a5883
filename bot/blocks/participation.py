"""Messages for follow-ups, the reminder policy, leave, being away and notification choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.blocks import Message, mrkdwn_notice, section
from bot.blocks.reminders import ReminderView, reminder_message
from bot.reminder_policy import ReminderPolicy
from bot.render import render
from bot.timefmt import format_day


def follow_up_message(reminder: ReminderView) -> Message:
    """A reminder that also says we are still waiting for a reply."""
    nudge = render("participation/follow_up.j2")
    original = reminder_message(reminder)
    return Message(text=f"{nudge}\n{original.text}", blocks=(section(nudge), *original.blocks))


@dataclass(frozen=True)
class PolicyLine:
    """Which sessions, and the days before them that reminders go."""

    label: str
    days: str


def describe_days(days: tuple[int, ...]) -> str:
    """'14 days, 2 days before and on the day'."""
    parts = [
        "on the day" if d == 0 else ("1 day before" if d == 1 else f"{d} days before") for d in days
    ]
    return ", ".join(parts) if parts else "none"


def policy_message(programme: str, policy: ReminderPolicy, *, can_change: bool) -> Message:
    """A programme's reminder policy, for reading."""
    others = "Other sessions" if policy.days_by_kind else "Every session"
    lines = [PolicyLine(others, describe_days(policy.default_days))]
    lines += [
        PolicyLine(kind.value.replace("_", " ").capitalize(), describe_days(days))
        for kind, days in sorted(policy.days_by_kind.items())
    ]
    return mrkdwn_notice(
        render(
            "participation/policy.j2",
            programme=programme,
            lines=lines,
            hours=f"{policy.start:%H:%M}-{policy.end:%H:%M}",
            quorum=f"{policy.quorum:.0%}",
            can_change=can_change,
        )
    )


def day_with_year(day: date) -> str:
    """'Tue 4 Jul 2017'."""
    return f"{format_day(day)} {day.year}"


def away_message(until: date | None) -> Message:
    """The reply to `/cohort away`."""
    return mrkdwn_notice(
        render("participation/away.j2", until=day_with_year(until) if until else None)
    )


def leave_message(
    person: str, kind: str, starts: date, ends: date | None, deadline: date | None
) -> Message:
    """The reply to `/cohort leave`."""
    return mrkdwn_notice(
        render(
            "participation/leave.j2",
            person=person,
            kind=kind,
            starts=day_with_year(starts),
            ends=day_with_year(ends) if ends else None,
            deadline=day_with_year(deadline) if deadline else None,
        )
    )


def notifications_message(hears_optional: bool) -> Message:
    """The reply to `/cohort notifications`."""
    return mrkdwn_notice(render("participation/notifications.j2", all=hears_optional))
