"""The seeded demo: a programme, a cohort of fifteen, groups, coaches and a timetable.

It is made as a coordinator would make it, through `/cohort` commands and their forms, so the
first screen shows what the product itself produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.demo.forms import input_elements, options_of
from bot.demo.people import (
    COACH,
    COORDINATOR_ID,
    PARTICIPANTS,
    STAFF,
    STEERING_CHANNEL,
)
from bot.demo.workspace import DemoWorkspace

PROGRAMME = "Aspiring Directors"
GROUPS = 3
# Room for one more, so the coordinator can enrol someone straight away.
CAPACITY = 16


class SeedingFailed(RuntimeError):
    """The bot refused something the seed asked of it; the message says what."""


@dataclass(frozen=True)
class PlannedSession:
    """A session of the seeded timetable, `weeks` after the cohort starts."""

    kind: str
    title: str
    weeks: float
    start: str = "10:00"
    end: str = "16:00"
    days: int = 1
    audience: str = "Whole cohort"
    compulsory: bool = True
    location: str = "Education Centre, Northfield"


TIMETABLE = (
    PlannedSession("workshop", "Launch workshop", 2, "09:30", "16:30", days=2),
    PlannedSession("action_learning_set", "Action learning set 1", 6, audience="Group 1"),
    PlannedSession("action_learning_set", "Action learning set 1", 6.2, audience="Group 2"),
    PlannedSession("action_learning_set", "Action learning set 1", 6.4, audience="Group 3"),
    PlannedSession(
        "organisational_development", "Leading change", 12, "13:00", "16:00", compulsory=False
    ),
    PlannedSession("action_learning_set", "Action learning set 2", 18, audience="Group 1"),
    PlannedSession("action_learning_set", "Action learning set 2", 18.2, audience="Group 2"),
    PlannedSession("action_learning_set", "Action learning set 2", 18.4, audience="Group 3"),
    PlannedSession("assessment", "Final assessment centre", 44, "09:00", "17:00"),
)


def cohort_name(start: date) -> str:
    """The seeded cohort's name: its year."""
    return str(start.year)


def seed(demo: DemoWorkspace, start: date, timetable: Sequence[PlannedSession] = TIMETABLE) -> None:
    """Create the seeded programme through the bot, as the demo's coordinator."""
    cohort = cohort_name(start)
    ask = _Coordinator(demo)
    ask.form(
        "programme add",
        {
            "name": PROGRAMME,
            "length_months": "12",
            "coaching_allowance": "4",
            "steering_channel": STEERING_CHANNEL,
            "timezone": "Europe/London",
        },
    )
    ask.form(
        f'cohort add "{PROGRAMME}"',
        {"name": cohort, "capacity": str(CAPACITY), "start_date": start.isoformat()},
    )
    for person in STAFF[1:]:
        ask.command(f"role add @{person.handle} {person.role}")
    for person in PARTICIPANTS:
        ask.command(f'enrol @{person.handle} "{PROGRAMME}" "{cohort}"')
    ask.command(f'groups split "{PROGRAMME}" "{cohort}" {GROUPS}')
    coaches = [p for p in STAFF if p.role == COACH]
    for index, person in enumerate(PARTICIPANTS):
        coach = coaches[index % len(coaches)]
        ask.command(f'coach @{coach.handle} @{person.handle} "{PROGRAMME}" "{cohort}"')
    facilitator = next(p for p in STAFF if p.role == "facilitator")
    for planned in timetable:
        day = _weekday(start + timedelta(days=round(planned.weeks * 7)))
        ask.form(
            f'session add "{PROGRAMME}" "{cohort}"',
            {
                "kind": planned.kind,
                "title": planned.title,
                "start_date": day.isoformat(),
                "start_time": planned.start,
                "end_date": (day + timedelta(days=planned.days - 1)).isoformat(),
                "end_time": planned.end,
                "location": planned.location,
                "compulsory": "compulsory" if planned.compulsory else "optional",
                "audience": planned.audience,
                "facilitator": facilitator.user_id,
            },
        )
    demo.forget_replies()


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _Coordinator:
    """Types commands and fills forms in as the demo's coordinator, stopping at any refusal."""

    def __init__(self, demo: DemoWorkspace) -> None:
        self.demo = demo

    def command(self, text: str) -> None:
        result = self.demo.command(COORDINATOR_ID, text)
        if result.status != 200:
            raise SeedingFailed(f"/cohort {text} answered HTTP {result.status}")

    def form(self, text: str, fields: Mapping[str, str]) -> None:
        self.command(text)
        modal = self.demo.wait_for_modal(COORDINATOR_ID)
        if modal is None:
            raise SeedingFailed(f"/cohort {text} opened no form")
        for _attempt in range(3):
            chosen = choices_for(modal.view.view, fields)
            answer = self.demo.submit(COORDINATOR_ID, modal.view.id, chosen)
            if answer.get("response_action") == "errors":
                raise SeedingFailed(f"/cohort {text} refused: {answer.get('errors')}")
            modal = self.demo.open_modal(COORDINATOR_ID)
            if modal is None:
                return
            if not modal.view.view.get("submit"):
                # A notice ("Saved"): read and closed.
                self.demo.close(modal.view.id)
                return
            # The form came back with warnings to confirm (a bank holiday, say): tick and save.
            fields = {**fields, "confirm": "yes"}
        raise SeedingFailed(f"/cohort {text} kept its form open")


def choices_for(view: Mapping[str, object], fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Value(s) per block id for a form, naming a menu's choice by its value or by its label."""
    chosen: dict[str, list[str]] = {}
    for block_id, element in input_elements(view):
        if block_id not in fields:
            continue
        wanted = fields[block_id]
        options = options_of(element)
        if options:
            by_label = {str(o.get("text", {}).get("text")): str(o.get("value")) for o in options}
            values = {str(o.get("value")) for o in options}
            wanted = wanted if wanted in values else by_label.get(wanted, wanted)
        chosen[block_id] = [wanted]
    return chosen
