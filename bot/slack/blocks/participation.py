"""Messages for follow-ups, the reminder policy, leave, being away and notification choices.

Also the App Home's 'I'm away' and 'I'm back' buttons and the 'I'm away' modal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ButtonElement, DatePickerElement, InputBlock, PlainTextObject
from slack_sdk.models.views import View

from bot.core.render import render
from bot.core.timefmt import day_with_year
from bot.reminders.messages import ReminderFollowUp, ReminderView
from bot.reminders.policy import ReminderPolicy
from bot.slack.blocks import Message, mrkdwn_notice, section, to_message
from bot.slack.blocks.reminders import reminder_message
from bot.slack.ids.participation import LAST_DAY_INPUT, ActionId, BlockId, CallbackId


def follow_up_message(reminder: ReminderView) -> Message:
    """A reminder that also says we are still waiting for a reply."""
    nudge = render("participation/follow_up.j2")
    original = reminder_message(reminder)
    return Message(text=f"{nudge}\n{original.text}", blocks=(section(nudge), *original.blocks))


@to_message.register
def _follow_up(owed: ReminderFollowUp) -> Message:
    return follow_up_message(owed.view)


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


def _away_text(until: date | None, *, on_home: bool) -> str:
    return render(
        "participation/away.j2", until=day_with_year(until) if until else None, on_home=on_home
    )


def away_message(until: date | None) -> Message:
    """The reply to `/cohort away`."""
    return mrkdwn_notice(_away_text(until, on_home=False))


AWAY_BUTTON_TEXT = "I'm away"
BACK_BUTTON_TEXT = "I'm back"


def away_button(*, away: bool) -> ButtonElement:
    """'I'm away' (opens the modal) or, for someone away, 'I'm back' (turns reminders on)."""
    if away:
        return ButtonElement(text=BACK_BUTTON_TEXT, action_id=ActionId.BACK, style="primary")
    return ButtonElement(text=AWAY_BUTTON_TEXT, action_id=ActionId.AWAY)


def away_modal(latest: date) -> View:
    """The 'I'm away' modal: the last day away, from today up to `latest`."""
    return View(
        type="modal",
        callback_id=CallbackId.AWAY,
        title=PlainTextObject(text="I'm away"),
        submit=PlainTextObject(text="Pause reminders"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            section(render("participation/away_form.j2")),
            InputBlock(
                block_id=BlockId.LAST_DAY,
                label=PlainTextObject(text="Last day away"),
                element=DatePickerElement(action_id=LAST_DAY_INPUT, placeholder="Pick a day"),
                hint=PlainTextObject(
                    text=f"Today or later, up to {day_with_year(latest)}. "
                    "For longer absences, ask a coordinator to record leave."
                ),
            ),
        ],
    )


def away_saved_view(until: date) -> View:
    """What the 'I'm away' modal becomes once saved."""
    return View(
        type="modal",
        callback_id=CallbackId.AWAY,
        title=PlainTextObject(text="Reminders paused"),
        close=PlainTextObject(text="Done"),
        blocks=[section(_away_text(until, on_home=True))],
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
