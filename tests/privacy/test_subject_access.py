"""Subject access as a service: nothing linked to the person can be left out as the schema grows."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from bot.privacy.records import reachable_tables
from bot.privacy.subject_access import TITLES, gather
from db.engine import unit_of_work
from db.models import Base
from db.personal import person_linked_tables
from tests.fixtures.bot import NOW
from tests.privacy.canary import COORDINATOR, SLACK_ID, build


def test_every_person_linked_table_and_every_column_is_in_the_export(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
        export = gather(session, person_id=canary.person_id, now=NOW)
    owned, mentions = reachable_tables()
    # The canary has a row in every table the schema links to a person: a new linked table
    # fails here until the canary has a row there too, and from then on it is exported.
    for table in sorted(person_linked_tables() | owned):
        assert table in export.records or table in export.mentioned_in, table
    for table, rows in export.records.items():
        columns = set(Base.metadata.tables[table].columns.keys())
        assert all(set(row) == columns for row in rows), table
    for table, column in mentions:
        named = export.mentioned_in.get(table, [])
        assert any(column in row["names_them_as"] for row in named), (table, column)
    assert set(export.records) <= set(TITLES)


def test_others_data_in_rows_that_name_the_person_is_not_exported(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
        export = gather(session, person_id=canary.person_id, now=NOW)
    text = export.as_json()
    assert "Olive Other" not in text
    assert "UOTHER001" not in text
    assert SLACK_ID in text
    document = json.loads(text)
    assert {row["names_them_as"] for row in document["mentioned_in"]["enrolment"]} == {
        "coach_person_id"
    }


def test_the_readable_page_escapes_what_people_typed(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
        from db.models import Application

        application = session.query(Application).one()
        application.supporting_statement = "<script>alert('x')</script> & more"
        session.flush()
        export = gather(session, person_id=canary.person_id, now=NOW)
    from zoneinfo import ZoneInfo

    page = export.as_html(ZoneInfo("Europe/London"))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_the_trail_shows_what_they_did_and_what_was_done_to_their_records_by_whom(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
        export = gather(session, person_id=canary.person_id, now=NOW)
    trail = {(entry["action"], entry["by"]) for entry in export.audit_trail}
    assert {
        ("invitation.rsvp", SLACK_ID),
        ("enrolment.changed", COORDINATOR),
        ("recipient.unreachable", "slack"),
        ("role.grant", COORDINATOR),
    } <= trail
    # Nothing in the export names anyone by the trail's pseudonyms, which mean nothing outside it.
    assert all(not str(entry["by"]).startswith("someone:") for entry in export.audit_trail)
