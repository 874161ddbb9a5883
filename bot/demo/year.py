"""`cohortbot demo --year --out DIR`: a programme year played by scripted people, written as HTML.

The seeded programme runs for a year on the demo's clock. Participants answer as scripted: some
reply to every reminder, some decline with a reason, some never answer; coaching is logged at
different paces; evaluations are filled in; the coordinator records assessments and confirms the
outcomes people report; the steering channel gets its weekly digests. Then the transcript is written.
"""

from __future__ import annotations

import time as timer
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.core.settings import Settings
from bot.demo.autofill import autofill
from bot.demo.conversations import Entry
from bot.demo.people import COORDINATOR_ID, PARTICIPANTS, STAFF, DemoPerson
from bot.demo.seed import TIMETABLE, _weekday, seed
from bot.demo.transcript import write_transcript
from bot.demo.workspace import DemoWorkspace
from bot.slack.ids.evaluations import ActionId as EvaluationAction
from bot.slack.ids.reminders import ActionId as ReminderAction
from bot.slack.ids.reminders import BlockId as ReminderBlock

YEAR_DAYS = 365
# Just after 09:00, when reminders fall due and Monday's digest is owed.
MORNING = time(9, 5)
EVENING = time(17, 0)
# How many scripted forms may follow one another (an evaluation's pages) before giving up.
MAX_FORM_STEPS = 8
DECLINE_REASONS = (
    "On call for the ward that day; I have asked for the alternative date.",
    "Annual leave booked before the programme started.",
    "Covering a vacant service manager post this month.",
)
# Weeks between sessions; four sessions each, so "steady" uses them all by week 40.
COACHING_WEEKS = {"steady": 10, "slow": 20, "late": 0}
ASSESSED = 6
# The seeded programme's sessions each (`coaching_allowance`).
COACHING_ALLOWANCE = 4
SCRIPTED_QUIET_SECONDS = 0.1
OUTCOMES = 3


@dataclass(frozen=True)
class Script:
    """How one participant behaves over the year."""

    person: DemoPerson
    replies: str  # "yes", "declines" or "silent"
    coaching: str  # a COACHING_WEEKS pace; "late" logs once, near the end

    @property
    def answers(self) -> bool:
        """Whether they answer anything at all."""
        return self.replies != "silent"


def scripts() -> list[Script]:
    """The cast: eight who reply, three who decline with a reason, four who never answer."""
    cast = []
    for index, person in enumerate(PARTICIPANTS):
        replies = "yes" if index < 8 else "declines" if index < 11 else "silent"
        coaching = ("steady", "slow", "late")[index % 3] if replies != "silent" else "late"
        cast.append(Script(person, replies, coaching))
    return cast


@dataclass
class YearLog:
    """What happened, for the transcript's summary and charts."""

    started: datetime
    events: list[tuple[datetime, str]] = field(default_factory=list)
    replies: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    forms_submitted: int = 0
    coaching_logged: int = 0

    def note(self, at: datetime, what: str) -> None:
        """Record a scripted step."""
        self.events.append((at, what))


class Year:
    """Plays the year on a seeded demo workspace."""

    def __init__(self, demo: DemoWorkspace, start: date) -> None:
        self.demo = demo
        self.start = start
        self.cast = scripts()
        self.log = YearLog(demo.now())
        self._handled: set[tuple[str, str, str]] = set()
        self._read: dict[str, int] = {}
        coaches = [p for p in STAFF if p.role == "coach"]
        self.coach_of = {
            p.user_id: coaches[i % len(coaches)].user_id for i, p in enumerate(PARTICIPANTS)
        }

    def play(self, days: int = YEAR_DAYS) -> None:
        """Every working morning a pass of the clock; evenings too on session days."""
        session_days = {
            _weekday(self.start + timedelta(days=round(s.weeks * 7)) + timedelta(days=d))
            for s in TIMETABLE
            for d in range(s.days)
        }
        for offset in range(days):
            day = self.start + timedelta(days=offset)
            if day.weekday() < 5:
                self._pass(datetime.combine(day, MORNING, tzinfo=self.demo.zone))
                self._scripted_day(offset, day)
            if day in session_days:
                self._pass(datetime.combine(day, EVENING, tzinfo=self.demo.zone))

    def _pass(self, at: datetime) -> None:
        self.demo.run_pass(at)
        self._react()

    # ------------------------------------------------------------------------ people react
    def _react(self) -> None:
        for script in self.cast:
            if not script.answers:
                continue
            user = script.person.user_id
            dm = self.demo.dm_of(user)
            # Each message is read once; a reminder updated in place keeps its (answered) buttons.
            entries = self.demo.timeline(user, dm, since=self._read.get(user, 0))
            if entries:
                self._read[user] = max(e.seq for e in entries)
            for entry in entries:
                for block_id, element in _buttons(entry):
                    key = (entry.ts, str(element.get("action_id")), str(element.get("value")))
                    if key in self._handled:
                        continue
                    self._handled.add(key)
                    self._answer(script, entry, block_id, element)

    def _answer(self, script: Script, entry: Entry, block_id: str, element: dict[str, Any]) -> None:
        action_id = element.get("action_id")
        user = script.person.user_id
        wanted = {
            "yes": ReminderAction.ATTENDING,
            "declines": ReminderAction.NOT_ATTENDING,
        }[script.replies]
        if action_id == wanted:
            self._press(user, entry, block_id, element)
            if script.replies == "declines":
                reason = DECLINE_REASONS[len(self.log.events) % len(DECLINE_REASONS)]
                self._fill_forms(user, {ReminderBlock.REASON: reason})
                self.log.replies["no"] += 1
            else:
                self.log.replies["yes"] += 1
        elif action_id == EvaluationAction.OPEN_FORM or _keeps_commitment(script, action_id):
            self._press(user, entry, block_id, element)
            self._fill_forms(user)

    def _press(self, user: str, entry: Entry, block_id: str, element: dict[str, Any]) -> None:
        action = {
            "type": "button",
            "block_id": block_id,
            "action_id": element.get("action_id"),
            "text": element.get("text"),
        }
        if element.get("value") is not None:
            action["value"] = element["value"]
        self.demo.click(user, action, channel=entry.channel, ts=entry.ts)

    def _fill_forms(self, user: str, overrides: dict[str, str] | None = None) -> bool:
        """Fill in whatever forms open for `user`, one after another, until none is left.

        Returns False when the bot refused an answer (the form is then closed).
        """
        today = self.demo.now().astimezone(self.demo.zone).date()
        for _step in range(MAX_FORM_STEPS):
            modal = self.demo.open_modal(user)
            if modal is None:
                return True
            if not modal.view.view.get("submit"):
                self.demo.close(modal.view.id)
                return True
            chosen = autofill(
                modal.view.view,
                who=self.demo.handle_of(user),
                today=today,
                overrides=overrides,
                people={"*": self.coach_of.get(user, COORDINATOR_ID)},
            )
            answer = self.demo.submit(user, modal.view.id, chosen)
            self.log.forms_submitted += 1
            if answer.get("response_action") == "errors":
                refusal = "; ".join(str(e) for e in (answer.get("errors") or {}).values())
                self.log.note(
                    self.demo.now(), f"{self.demo.name_of(user)} left a form unfinished: {refusal}"
                )
                self.demo.close(modal.view.id)
                return False
        return True

    # ------------------------------------------------------------------------ the calendar
    def _scripted_day(self, offset: int, day: date) -> None:
        week, weekday = divmod(offset, 7)
        if weekday != 2:  # Wednesdays
            return
        for script in self.cast:
            pace = COACHING_WEEKS[script.coaching]
            late = pace == 0 and week == 40
            steady = pace and week and week % pace == 0 and week // pace <= COACHING_ALLOWANCE
            if steady or late:
                self._log_coaching(script)
        if week == 46:
            for person in PARTICIPANTS[:ASSESSED]:
                self._coordinator_form(f"assess @{person.handle}")
        if week == 48:
            for script in self.cast[:OUTCOMES]:
                self.demo.command(script.person.user_id, "outcome")
                self._fill_forms(script.person.user_id)
            self._confirm_outcomes()

    def _log_coaching(self, script: Script) -> None:
        user = script.person.user_id
        self.demo.command(user, "coaching log")
        if self._fill_forms(user):
            self.log.coaching_logged += 1
            self.log.note(self.demo.now(), f"{script.person.real_name} logged a coaching session")

    def _coordinator_form(self, command: str) -> None:
        self.demo.command(COORDINATOR_ID, command)
        if self._fill_forms(COORDINATOR_ID):
            self.log.note(self.demo.now(), f"The coordinator saved /cohort {command}")

    def _confirm_outcomes(self) -> None:
        self.demo.command(COORDINATOR_ID, "outcomes")
        dm = self.demo.dm_of(COORDINATOR_ID)
        for entry in self.demo.timeline(COORDINATOR_ID, dm)[-1:]:
            for block_id, element in _buttons(entry):
                if str(element.get("action_id")) == "outcomes.confirm":
                    self._press(COORDINATOR_ID, entry, block_id, element)
                    self.log.note(self.demo.now(), "The coordinator confirmed a reported outcome")


def _keeps_commitment(script: Script, action_id: object) -> bool:
    """Those who reply say they kept their commitment; those who decline, that they partly did."""
    if script.replies == "yes":
        return action_id == EvaluationAction.COMMITMENT_YES
    return action_id == EvaluationAction.COMMITMENT_PARTLY


def _buttons(entry: Entry) -> Iterator[tuple[str, dict[str, Any]]]:
    for block in entry.blocks or []:
        elements = [*(block.get("elements") or []), block.get("accessory")]
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                yield str(block.get("block_id", "")), element


def play_year(
    settings: Settings, start: datetime, out_dir: Path, out: TextIO, days: int = YEAR_DAYS
) -> Path:
    """Seed, play the year (or its first `days`) and write the transcript; returns the index."""
    began = timer.monotonic()
    with DemoWorkspace.running(settings, start) as demo:
        print("Setting up the programme…", file=out, flush=True)
        # Scripted people do not read: a shorter wait for the bot's after-ack work will do.
        demo.quiet_seconds = SCRIPTED_QUIET_SECONDS
        # Whatever the bot sends after its answer is read at the next pass anyway.
        demo.brief_quiet_seconds = 0.0
        seed(demo, start.date())
        print("Playing the year (this takes a minute or so)…", file=out, flush=True)
        year = Year(demo, start.date())
        year.play(days)
        index = write_transcript(demo, year.log, out_dir)
    print(f"Played the year in {timer.monotonic() - began:.0f} s.", file=out)
    return index
