"""Rows the model tests build: a programme, a cohort, a person, an application."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from db.engine import (
    unit_of_work,
)
from db.models import (
    Application,
    ApplicationStatus,
    Cohort,
    OrganisationType,
    Person,
    Programme,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 3, 31, 9, 30, tzinfo=UTC)


def add_and_commit(db: sessionmaker[Session], *objects: object) -> None:
    with unit_of_work(db) as session:
        session.add_all(objects)


def make_programme(db: sessionmaker[Session], name: str = "Aspirant directors") -> Programme:
    programme = Programme(name=name)
    add_and_commit(db, programme)
    return programme


def make_cohort(db: sessionmaker[Session]) -> Cohort:
    cohort = Cohort(programme=make_programme(db), name="Cohort 1", start_date=date(2024, 4, 1))
    add_and_commit(db, cohort)
    return cohort


def make_person(db: sessionmaker[Session], email: str = "pat@example.nhs.uk") -> Person:
    person = Person(name="Pat", email=email)
    add_and_commit(db, person)
    return person


def make_application(
    db: sessionmaker[Session], programme: Programme, person: Person, status: ApplicationStatus
) -> Application:
    application = Application(
        programme_id=programme.id,
        person_id=person.id,
        status=status,
        job_title="Deputy director of workforce",
        organisation="An NHS trust",
        organisation_type=OrganisationType.ACUTE,
    )
    add_and_commit(db, application)
    return application
