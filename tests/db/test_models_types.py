"""Column types: UTC datetimes, enums stored as values, JSON null, timestamps on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from db.base import UTCDateTime
from db.models import (
    AuditEvent,
    OrganisationType,
    Person,
)
from tests.db.model_data import (
    LONDON,
    NOW,
    add_and_commit,
)

# --- UTCDateTime --------------------------------------------------------------------


def test_aware_datetimes_come_back_as_the_same_instant_in_utc(db: sessionmaker[Session]) -> None:
    # 01:30 on the morning the clocks go back in London happens twice; fold=0 is BST.
    stored = datetime(2024, 10, 27, 1, 30, fold=0, tzinfo=LONDON)
    add_and_commit(
        db, AuditEvent(at=stored, actor="system", action="a", entity_type="t", entity_id="1")
    )

    with db() as session:
        loaded = session.scalars(sa.select(AuditEvent.at)).one()

    # Python never calls an ambiguous time equal to one in another zone: compare instants.
    assert loaded.timestamp() == stored.timestamp()
    assert loaded.tzinfo is UTC
    assert loaded == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_range_queries_compare_instants_not_wall_clock_times(db: sessionmaker[Session]) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    times = [NOW - timedelta(hours=1), NOW, NOW + timedelta(hours=1)]
    add_and_commit(
        db,
        *(
            AuditEvent(
                at=t.astimezone(kolkata),
                actor="system",
                action=str(i),
                entity_type="t",
                entity_id="1",
            )
            for i, t in enumerate(times)
        ),
    )

    with db() as session:
        after = session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.at > NOW.astimezone(LONDON))
            .order_by(AuditEvent.at)
        ).all()

    assert after == ["2"]


def test_naive_datetimes_are_refused_on_assignment() -> None:
    with pytest.raises(ValueError, match="naive"):
        AuditEvent(at=datetime(2024, 1, 1, 9, 0))


def test_naive_datetimes_are_refused_by_core_inserts_too(db: sessionmaker[Session]) -> None:
    with db() as session, pytest.raises(StatementError) as caught:
        session.execute(
            sa.insert(AuditEvent).values(
                at=datetime(2024, 1, 1, 9, 0),
                actor="system",
                action="a",
                entity_type="t",
                entity_id="1",
            )
        )
    assert isinstance(caught.value.orig, ValueError)


def test_utc_datetime_type_refuses_naive_values_directly() -> None:
    dialect = sa.create_engine("sqlite://").dialect
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2024, 1, 1), dialect)


# --- enums and JSON -------------------------------------------------------------------


def test_enums_are_stored_as_their_values(db: sessionmaker[Session]) -> None:
    add_and_commit(db, Person(name="Pat", organisation_type=OrganisationType.ARMS_LENGTH_BODY))

    with db() as session:
        raw = session.execute(sa.text("SELECT organisation_type FROM person")).scalar_one()
        loaded = session.scalars(sa.select(Person.organisation_type)).one()

    assert raw == "arms_length_body"
    assert loaded is OrganisationType.ARMS_LENGTH_BODY


def test_json_none_is_sql_null(db: sessionmaker[Session]) -> None:
    add_and_commit(
        db,
        AuditEvent(
            at=NOW,
            actor="system",
            action="a",
            entity_type="t",
            entity_id="1",
            before=None,
            after={"x": [1]},
        ),
    )

    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.before.is_(None))) == 1
        assert session.scalars(sa.select(AuditEvent.after)).one() == {"x": [1]}
