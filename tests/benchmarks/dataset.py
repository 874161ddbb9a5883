"""A national-scale programme year, written straight into the database with bulk inserts.

Each cohort has a two-day workshop, an action learning set every six weeks for each group of
eight, and an assessment near the end of its year; everyone is invited to what they belong to.
Cohorts start a week apart over a quarter, as a national programme staggers its intakes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.enums import EnrolmentStatus, LeaveKind, SessionKind
from db.models import (
    ActionLearningGroup,
    Cohort,
    Enrolment,
    Invitation,
    LeavePeriod,
    Person,
    Programme,
    ProgrammeSession,
)

LONDON = ZoneInfo("Europe/London")
# A Monday: the first cohort's workshop week.
YEAR_START = date(2017, 1, 9)
GROUP_SIZE = 8
COHORTS_PER_PROGRAMME = 10
SET_INTERVAL = timedelta(weeks=6)
SETS_PER_GROUP = 8
STAGGER_WEEKS = 12
# Some people's Slack accounts are elsewhere, so reminders are planned in more than one zone.
OTHER_ZONES = ("Europe/Dublin", "Europe/Paris", "America/New_York")
INSERT_CHUNK = 5000
COORDINATOR = "UBENCHCO1"


@dataclass(frozen=True)
class DatasetSize:
    """What was written."""

    programmes: int
    cohorts: int
    participants: int
    sessions: int
    invitations: int
    first_session: datetime
    last_session: datetime


def slack_user_id(number: int) -> str:
    """The benchmark's Slack id for participant `number`."""
    return f"UB{number:07d}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _bulk(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(model), list(rows[start : start + INSERT_CHUNK]))


def _session_row(
    number: int, cohort_id: int, kind: SessionKind, title: str, start: datetime, end: datetime
) -> dict[str, Any]:
    return {
        "id": number,
        "cohort_id": cohort_id,
        "kind": kind,
        "title": title,
        "starts_at": start,
        "ends_at": end,
        "location": "Leeds",
        "compulsory": True,
    }


def build(session: Session, *, participants: int, cohorts: int, now: datetime) -> DatasetSize:
    """Write `participants` people spread over `cohorts` cohorts and their year of sessions."""
    programmes = math.ceil(cohorts / COHORTS_PER_PROGRAMME)
    _bulk(
        session,
        Programme,
        [{"id": n + 1, "name": f"Benchmark programme {n + 1}"} for n in range(programmes)],
    )
    _bulk(
        session,
        Cohort,
        [
            {
                "id": c + 1,
                "programme_id": c // COHORTS_PER_PROGRAMME + 1,
                "name": f"Cohort {c + 1}",
                "capacity": math.ceil(participants / cohorts),
                "start_date": YEAR_START + timedelta(weeks=c % STAGGER_WEEKS),
            }
            for c in range(cohorts)
        ],
    )
    members: list[list[int]] = [[] for _ in range(cohorts)]
    for number in range(1, participants + 1):
        members[(number - 1) % cohorts].append(number)
    people: list[dict[str, Any]] = []
    enrolments: list[dict[str, Any]] = []
    leave: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    group_of: dict[int, int] = {}
    for c, numbers in enumerate(members):
        for index, number in enumerate(numbers):
            if index % GROUP_SIZE == 0:
                groups.append({"id": len(groups) + 1, "cohort_id": c + 1, "name": f"Set {index}"})
            group_of[number] = len(groups)
    for number in range(1, participants + 1):
        people.append(
            {
                "id": number,
                "slack_user_id": slack_user_id(number),
                "name": f"Participant {number}",
                "slack_tz": OTHER_ZONES[number % 3] if number % 10 == 0 else None,
            }
        )
        enrolments.append(
            {
                "id": number,
                "person_id": number,
                "cohort_id": (number - 1) % cohorts + 1,
                "action_learning_group_id": group_of[number],
                "status": EnrolmentStatus.ENROLLED,
                "enrolled_at": now,
            }
        )
        if number % 100 == 0:
            # One in a hundred on leave for a quarter: reminders to them pause.
            leave_starts = YEAR_START + timedelta(weeks=number % 40)
            leave.append(
                {
                    "enrolment_id": number,
                    "kind": LeaveKind.MATERNITY,
                    "recorded_by": COORDINATOR,
                    "starts_on": leave_starts,
                    "ends_on": leave_starts + timedelta(weeks=13),
                }
            )
    _bulk(session, ActionLearningGroup, groups)
    _bulk(session, Person, people)
    _bulk(session, Enrolment, enrolments)
    _bulk(session, LeavePeriod, leave)
    sessions, invitations = _timetable(members, group_of)
    _bulk(session, ProgrammeSession, sessions)
    _bulk(session, Invitation, invitations)
    starts = [row["starts_at"] for row in sessions]
    return DatasetSize(
        programmes=programmes,
        cohorts=cohorts,
        participants=participants,
        sessions=len(sessions),
        invitations=len(invitations),
        first_session=min(starts),
        last_session=max(starts),
    )


def _timetable(
    members: Sequence[Sequence[int]], group_of: dict[int, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sessions: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []

    def add(row: dict[str, Any], invitees: Iterable[int]) -> None:
        sessions.append(row)
        first = len(invitations) + 1
        invitations.extend(
            {"id": first + n, "session_id": row["id"], "enrolment_id": enrolment}
            for n, enrolment in enumerate(invitees)
        )

    for c, numbers in enumerate(members):
        cohort_id = c + 1
        week = YEAR_START + timedelta(weeks=c % STAGGER_WEEKS)
        workshop_day = week + timedelta(days=1)
        add(
            _session_row(
                len(sessions) + 1,
                cohort_id,
                SessionKind.WORKSHOP,
                "Opening workshop",
                _at(workshop_day, 9, 30),
                _at(workshop_day + timedelta(days=1), 16, 30),
            ),
            numbers,
        )
        by_group: dict[int, list[int]] = {}
        for number in numbers:
            by_group.setdefault(group_of[number], []).append(number)
        for g, (group_id, group_members) in enumerate(sorted(by_group.items())):
            for n in range(SETS_PER_GROUP):
                # Groups meet on different weekdays, as facilitators' diaries allow.
                day = week + SET_INTERVAL * (n + 1) + timedelta(days=g % 5)
                row = _session_row(
                    len(sessions) + 1,
                    cohort_id,
                    SessionKind.ACTION_LEARNING_SET,
                    f"Action learning set {n + 1}",
                    _at(day, 10),
                    _at(day, 13),
                )
                row["action_learning_group_id"] = group_id
                add(row, group_members)
        assessment_day = week + timedelta(weeks=50, days=2)
        add(
            _session_row(
                len(sessions) + 1,
                cohort_id,
                SessionKind.ASSESSMENT,
                "Assessment centre",
                _at(assessment_day, 9),
                _at(assessment_day, 17),
            ),
            numbers,
        )
    return sessions, invitations


def gather_statistics(engine: Engine) -> None:
    """On PostgreSQL, ANALYZE after the bulk load, as autovacuum soon would.

    Without statistics PostgreSQL plans every join for empty tables; SQLite needs nothing here.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
