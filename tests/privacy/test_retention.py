"""The retention schedule: what falls due goes, what is still in time stays, and it is told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.core.settings import Retention, SettingsError, load_settings
from bot.privacy.retention import CLEARED_TEXT, RETENTION_ACTION, RETENTION_KIND, apply_retention
from bot.runtime import Runtime
from db.engine import unit_of_work
from db.enums import ApplicationStatus, OrganisationType, OutboundState, Role
from db.models import (
    AdvertisingRound,
    Application,
    AuditEvent,
    OutboundMessage,
    Person,
    RoleGrant,
)
from scheduling.retention import apply_retention_schedule
from scheduling.ticks import TICKS
from tests.support.programmes import make_cohort, make_person, make_session

NOW = datetime(2017, 3, 2, 9, 0, tzinfo=UTC)
LONDON = load_settings({}, env_file=None).timezone
COORDINATOR = "UCOORD01"


def application(
    session: Session, person: Person, round_: AdvertisingRound, status: ApplicationStatus
) -> Application:
    row = Application(
        programme=round_.programme,
        round=round_,
        person=person,
        status=status,
        job_title="Deputy director",
        organisation="A trust",
        organisation_type=OrganisationType.ACUTE,
        supporting_statement="statement",
        diversity_consent=True,
        gender="Woman",
        submitted_at=datetime(2016, 1, 10, tzinfo=UTC),
    )
    session.add(row)
    session.flush()
    return row


def seed(session: Session) -> dict[str, int]:
    old_cohort = make_cohort(session, programme="Old programme", cohort="2009")
    make_session(session, old_cohort, "Last day", starts_at=datetime(2010, 6, 1, 10, tzinfo=UTC))
    recent_cohort = make_cohort(session, programme="Recent programme", cohort="2011")
    make_session(session, recent_cohort, "Last day", starts_at=datetime(2012, 1, 5, 10, tzinfo=UTC))
    programme = recent_cohort.programme
    closed_long_ago = AdvertisingRound(
        programme=programme, name="R1", opens_on=date(2016, 1, 1), closes_on=date(2016, 3, 1)
    )
    closed_lately = AdvertisingRound(
        programme=programme, name="R2", opens_on=date(2016, 1, 1), closes_on=date(2016, 4, 1)
    )
    session.add_all([closed_long_ago, closed_lately])
    if not session.scalar(sa.select(RoleGrant.id).where(RoleGrant.slack_user_id == COORDINATOR)):
        session.add(
            RoleGrant(slack_user_id=COORDINATOR, role=Role.COORDINATOR, granted_by="system")
        )
    former = make_person(session, old_cohort, "Fay Former").person
    coach = make_person(session, old_cohort, "Cal Coach", slack_user_id="UCOACH001").person
    session.add(RoleGrant(slack_user_id="UCOACH001", role=Role.COACH, granted_by=COORDINATOR))
    recent = make_person(session, recent_cohort, "Rita Recent").person
    rejected = Person(name="Una Unsuccessful")
    later = Person(name="Lou Later")
    session.add_all([rejected, later])
    session.flush()
    application(session, rejected, closed_long_ago, ApplicationStatus.UNSUCCESSFUL)
    application(session, later, closed_lately, ApplicationStatus.UNSUCCESSFUL)
    kept_on = application(session, recent, closed_long_ago, ApplicationStatus.WITHDRAWN)
    for days, state, key in ((40, OutboundState.SENT, "old"), (10, OutboundState.SENT, "new")):
        session.add(
            OutboundMessage(
                recipient="UOTHER001",
                kind="test",
                due_at=NOW - timedelta(days=days),
                sent_at=NOW - timedelta(days=days),
                state=state,
                idempotency_key=key,
                payload={"text": f"sent {key}"},
            )
        )
    session.add(
        OutboundMessage(
            recipient="UOTHER001",
            kind="test",
            due_at=NOW + timedelta(days=1),
            idempotency_key="pending",
            payload={"text": "still to send"},
        )
    )
    session.flush()
    return {
        "former": former.id,
        "coach": coach.id,
        "recent": recent.id,
        "rejected": rejected.id,
        "later": later.id,
        "kept_on": kept_on.id,
    }


def test_the_schedule_removes_what_is_due_and_keeps_what_is_in_time(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        ids = seed(session)
    with unit_of_work(db) as session:
        report = apply_retention(session, retention=Retention(), now=NOW, tz=LONDON)
    assert report.as_dict() == {
        "applications_anonymised": 1,
        "applicants_erased": 1,
        "participants_erased": 1,
        "payloads_cleared": 1,
    }
    with unit_of_work(db) as session:
        erased = {
            name: session.get_one(Person, ids[name]).erased_at is not None
            for name in ("former", "coach", "recent", "rejected", "later")
        }
        assert erased == {
            "former": True,  # their programme ended in 2010, over six years ago
            "coach": False,  # same programme, but they hold a role
            "recent": False,  # programme ended in 2012
            "rejected": True,  # round closed 1 Mar 2016, a year and a day ago
            "later": False,  # round closed 1 Apr 2016
        }
        kept_on = session.get_one(Application, ids["kept_on"])
        # Still a participant: the old application's words go, the person and answers stay.
        assert (kept_on.supporting_statement, kept_on.job_title) == (None, "")
        assert kept_on.gender == "Woman"
        payloads = {
            key: payload
            for key, payload in session.execute(
                sa.select(OutboundMessage.idempotency_key, OutboundMessage.payload)
            )
        }
        assert payloads["old"] == {"text": CLEARED_TEXT}
        assert payloads["new"] == {"text": "sent new"}
        assert payloads["pending"] == {"text": "still to send"}
        audit = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == RETENTION_ACTION)
        ).one()
        assert audit.after == report.as_dict()
        (summary,) = session.scalars(
            sa.select(OutboundMessage).where(OutboundMessage.kind == RETENTION_KIND)
        )
        assert summary.recipient == COORDINATOR
        assert "erased 1 applicant(s) and 1 former participant(s)" in summary.payload["text"]
        assert "Thu 2 Mar 2017" in summary.payload["text"]

    # A second run finds nothing more, and does not bother coordinators.
    with unit_of_work(db) as session:
        again = apply_retention(session, retention=Retention(), now=NOW, tz=LONDON)
    assert not again.changed_anything
    with unit_of_work(db) as session:
        assert (
            session.scalar(sa.select(sa.func.count()).where(OutboundMessage.kind == RETENTION_KIND))
            == 1
        )


def test_a_longer_schedule_keeps_more(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        ids = seed(session)
    longer = Retention(unsuccessful_months=24, participant_years=10, delivered_days=60)
    with unit_of_work(db) as session:
        report = apply_retention(session, retention=longer, now=NOW, tz=LONDON)
    assert report.as_dict()["applicants_erased"] == 0
    assert report.as_dict()["participants_erased"] == 0
    assert report.as_dict()["payloads_cleared"] == 0
    with unit_of_work(db) as session:
        assert session.get_one(Person, ids["rejected"]).erased_at is None


def test_the_schedule_is_configured_from_the_environment() -> None:
    settings = load_settings(
        {"COHORTBOT_RETAIN_PARTICIPANT_YEARS": "3", "COHORTBOT_RETAIN_DELIVERED_DAYS": "7"},
        env_file=None,
    )
    assert settings.retention == Retention(participant_years=3, delivered_days=7)
    with pytest.raises(SettingsError, match="COHORTBOT_RETAIN_UNSUCCESSFUL_MONTHS is '0'"):
        load_settings({"COHORTBOT_RETAIN_UNSUCCESSFUL_MONTHS": "0"}, env_file=None)


def test_the_clock_applies_it(runtime: Runtime) -> None:
    assert "apply-retention" in {tick.id for tick in TICKS}
    with unit_of_work(runtime.session_factory) as session:
        ids = seed(session)
    summary = apply_retention_schedule(runtime.tick_dependencies(), NOW).summary
    assert summary.startswith("anonymised 1 unsuccessful application(s)")
    with unit_of_work(runtime.session_factory) as session:
        assert session.get_one(Person, ids["former"]).erased_at is not None
