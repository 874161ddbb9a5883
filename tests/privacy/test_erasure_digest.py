"""Aggregates stay right: the digest's figures agree before and after erasures."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.privacy.erasure import erase_person
from db.engine import unit_of_work
from db.models import Application, Person
from tests.reporting.conftest import programme_id  # noqa: F401  (the fixture)
from tests.reporting.digest_dataset import COORDINATOR, NOW, figures_for


def _people(db: sessionmaker[Session]) -> list[int]:
    with unit_of_work(db) as session:
        return list(session.scalars(sa.select(Person.id).order_by(Person.id)))


def test_erasing_one_applicant_with_diversity_answers_keeps_every_figure(
    db: sessionmaker[Session],
    programme_id: int,  # noqa: F811
) -> None:
    before = figures_for(db, programme_id)
    with unit_of_work(db) as session:
        consenting = session.scalars(
            sa.select(Application.person_id)
            .where(Application.diversity_consent.is_(True))
            .order_by(Application.id)
        ).first()
        assert consenting is not None
        erase_person(session, person_id=consenting, actor=COORDINATOR, now=NOW)
    with unit_of_work(db) as session:
        assert session.get_one(Person, consenting).erased_at is not None
    assert figures_for(db, programme_id) == before


def test_erasing_everyone_keeps_every_figure_of_the_digest(
    db: sessionmaker[Session],
    programme_id: int,  # noqa: F811
) -> None:
    before = figures_for(db, programme_id)
    cohort_before = figures_for(db, programme_id, cohort_ids=[1])
    people = _people(db)
    assert len(people) > 10
    for person_id in people:
        with unit_of_work(db) as session:
            erase_person(session, person_id=person_id, actor=COORDINATOR, now=NOW)
    with unit_of_work(db) as session:
        assert session.scalars(sa.select(Person.name).distinct()).all() == ["Erased person"]
        assert (
            session.scalar(sa.select(sa.func.count()).where(Application.gender.is_not(None))) == 0
        )
    assert figures_for(db, programme_id) == before
    assert figures_for(db, programme_id, cohort_ids=[1]) == cohort_before
