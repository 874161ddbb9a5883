"""Every view or export of personal data leaves an audit row: who, what, when, how many rows."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import build_parser
from bot.cli.export import CLI_ACTOR, run_export_command
from bot.core.audit import actor_of
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import AuditEvent, Invitation
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.programmes import command_reply, make_cohort, make_person, make_session


@pytest.fixture
def cohort_id(runtime: Runtime, db: sessionmaker[Session]) -> int:
    """A cohort of two people (one on the waiting list) invited to a past session (#1)."""
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        pat = make_person(session, cohort, "Pat Participant", slack_user_id=PARTICIPANT)
        make_person(session, cohort, "Sam Second")
        workshop = make_session(
            session, cohort, "Launch", starts_at=datetime(2017, 1, 20, 10, tzinfo=UTC)
        )
        session.add(Invitation(session_id=workshop.id, enrolment_id=pat.id))
        session.flush()
        return cohort.id


def reads(db: sessionmaker[Session]) -> list[tuple[str | None, str, str, int, datetime]]:
    with unit_of_work(db) as session:
        return [
            (actor_of(session, e), e.action, e.entity_id, int((e.after or {})["rows"]), e.at)
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith("read."))
                .order_by(AuditEvent.id)
            )
        ]


@pytest.mark.parametrize(
    ("typed", "action", "scope", "rows"),
    [
        ('members "Aspiring Directors" 2017', "read.members", "cohort:{cohort}", 2),
        ("attendance 1", "read.attendance_register", "session:1", 1),
        ('export "Aspiring Directors" 2017', "read.export", "cohort:{cohort}", None),
        ("export", "read.export", "all", None),
        ("evaluations export", "read.evaluation_export", "all", 0),
    ],
)
def test_a_coordinators_read_of_personal_data_is_audited(
    typed: str,
    action: str,
    scope: str,
    rows: int | None,
    cohort_id: int,
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
) -> None:
    assert reads(db) == []

    command_reply(slack, standin, COORDINATOR, typed)

    ((actor, logged_action, logged_scope, logged_rows, at),) = reads(db)
    assert (actor, logged_action, logged_scope) == (
        COORDINATOR,
        action,
        scope.format(cohort=cohort_id),
    )
    assert at == NOW
    if rows is not None:
        assert logged_rows == rows
    else:
        assert logged_rows >= 2  # the workbook's rows: at least the two people


def test_a_refused_read_is_not_recorded_as_one(
    cohort_id: int, slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    command_reply(slack, standin, PARTICIPANT, 'members "Aspiring Directors" 2017')

    assert reads(db) == []


def test_the_command_line_export_is_audited(
    cohort_id: int, runtime: Runtime, db: sessionmaker[Session], tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(["export", "--out", str(tmp_path), "--format", "csv"])

    assert run_export_command(args, runtime, out, err) == 0

    ((actor, action, scope, rows, _),) = reads(db)
    assert (actor, action, scope) == (CLI_ACTOR, "read.export", "all")
    assert rows == sum(len(p.read_text().splitlines()) - 1 for p in tmp_path.glob("*.csv"))
