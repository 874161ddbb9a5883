"""The steering group's digest names nobody: not in the message, the charts' alt text or the workbook.

Built from the hand-made programme of `tests.reporting.digest_dataset`, with free text typed about
people (an outcome's role, organisation and note; an assessment's panel and reason) marked so that
any of it leaking into the digest would be found.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.reporting.digest.delivery import build_digest
from bot.slack.blocks import to_message
from db.engine import unit_of_work
from db.enums import Level, OutcomeKind, Readiness
from db.models import AssessmentResult, Enrolment, Outcome, Person, Programme
from tests.reporting.digest_dataset import COORDINATOR, NOW, build

MARK = "Zqxj"
NAMES = ("Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Zed", "Applicant W0")


def add_free_text(session: Session) -> None:
    """Things coordinators type about named people, each carrying MARK."""
    ann = session.scalars(
        select(Enrolment).join(Enrolment.person).where(Person.name == "Ann")
    ).one()
    bob = session.scalars(
        select(Enrolment).join(Enrolment.person).where(Person.name == "Bob")
    ).one()
    session.add_all(
        [
            Outcome(
                person=ann.person,
                enrolment=ann,
                kind=OutcomeKind.INTERIM_DIRECTOR,
                role_title=f"Interim director of nursing {MARK}",
                organisation=f"Leeds Teaching Hospitals {MARK}",
                note=f"Ann moved after the board visit {MARK}",
                started_on=date(2017, 5, 1),
                reported_by=COORDINATOR,
                confirmed_by=COORDINATOR,
                confirmed_at=NOW,
            ),
            AssessmentResult(
                enrolment=bob,
                assessed_on=date(2017, 6, 2),
                panel=f"Dr Panel {MARK}",
                readiness=Readiness.READY_LATER,
                performance=Level.MEDIUM,
                potential=Level.MEDIUM,
                development_areas=[f"Presence {MARK}"],
                recorded_by=COORDINATOR,
            ),
            AssessmentResult(
                enrolment=ann,
                did_not_attend_reason=f"Leave: Ann's wedding {MARK}",
                recorded_by=COORDINATOR,
            ),
        ]
    )


def everything_published(db: sessionmaker[Session]) -> str:
    """The digest as the steering channel would get it: message, file titles, alt text, cells."""
    with unit_of_work(db) as session:
        programme_id = build(session)
        add_free_text(session)
    with unit_of_work(db) as session:
        digest = build_digest(session, session.get_one(Programme, programme_id), NOW)
    parts = [json.dumps(to_message(digest.message).as_kwargs())]
    for attachment in digest.attachments:
        parts += [attachment.filename, attachment.title, attachment.alt_text or ""]
        if attachment.filename.endswith(".xlsx"):
            assert isinstance(attachment.content, bytes)
            book = load_workbook(io.BytesIO(attachment.content), read_only=True)
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    parts += [str(value) for value in row if value is not None]
    return "\n".join(parts)


def test_the_digest_and_its_files_name_no_individual(db: sessionmaker[Session]) -> None:
    published = everything_published(db)

    assert "Aspiring Directors / 2017 North" in published  # the text is really there
    assert "Talent map" in published  # and so is the workbook
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", published), name
    assert MARK not in published
