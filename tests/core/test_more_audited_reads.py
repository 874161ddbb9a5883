"""Lists of people's applications, coachees, assessments and outcomes are audited reads too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.audit import actor_of
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import AuditEvent
from tests.fixtures.bot import COORDINATOR, NOW
from tests.support.people import programme_with_session
from tests.support.programmes import command_reply


@pytest.mark.parametrize(
    ("command", "action"),
    [
        ('applications "Aspiring Directors"', "read.applications"),
        ("coachees", "read.coachees"),
        ("assessments", "read.assessments"),
        ("outcomes", "read.outcomes"),
    ],
)
def test_a_coordinators_list_of_people_is_recorded_as_a_read(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin, command: str, action: str
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=NOW)

    command_reply(slack, standin, COORDINATOR, command)

    with unit_of_work(runtime.session_factory) as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        assert [(actor_of(session, read), read.entity_type) for read in reads] == [
            (COORDINATOR, "read")
        ]
