"""CSV import of applications: every row checked first, a preview, then all or nothing, idempotent."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.applications.importing import parse_csv
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import ApplicationStatus, EnrolmentStatus, ScreeningResult
from db.models import Application, AuditEvent, Cohort, Enrolment, OutboundMessage
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.applications import ANSWERS, PROGRAMME, command, seed_programme

HEADER = [*ANSWERS, "programme", "round"]


def csv_text(*rows: dict[str, str], header: list[str] = HEADER) -> str:
    """A CSV file with `header` and one line per row (missing cells blank)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def row(**changes: str) -> dict[str, str]:
    return {**ANSWERS, "programme": PROGRAMME, "round": "Round 1", **changes}


GOOD = csv_text(
    row(),
    row(name="Sam Smith", email="sam@example.nhs.uk", recent_provider_experience="no"),
)


def test_each_wrong_cell_is_named_by_row_and_column() -> None:
    text = csv_text(
        row(),
        row(email="nope", organisation_type="pharmacy"),
        row(email="pat@example.nhs.uk", region="Atlantis"),
        row(name="", email="x@example.org", ethnicity="Martian", diversity_consent="yes"),
        header=[*HEADER, "ethnicity", "diversity_consent"],
    )

    rows, errors = parse_csv(text)

    assert [r.row for r in rows] == [2]
    assert [(e.row, e.column) for e in errors] == [
        (3, "email"),
        (3, "organisation_type"),
        (4, "region"),
        (5, "name"),
        (5, "ethnicity"),
    ]
    assert errors[0].message == "'nope' is not an email address."
    assert "Atlantis" in errors[2].message


def test_a_repeated_email_and_missing_or_unknown_columns_are_errors() -> None:
    _, repeated = parse_csv(csv_text(row(), row()))
    _, columns = parse_csv(csv_text(row(), header=["name", "emial", "programme"]))

    assert [(e.row, e.column, e.message) for e in repeated] == [(3, "email", "repeats row 2")]
    assert (1, "emial", "is not a column I know") in [(e.row, e.column, e.message) for e in columns]
    assert (1, "email", "column is missing") in [(e.row, e.column, e.message) for e in columns]


def test_diversity_answers_without_consent_are_dropped() -> None:
    (with_consent, without), errors = parse_csv(
        csv_text(
            row(gender="Woman", diversity_consent="yes"),
            row(email="b@example.org", gender="Man", diversity_consent="no"),
            header=[*HEADER, "gender", "diversity_consent"],
        )
    )

    assert errors == []
    assert with_consent.answers.gender == "Woman" and without.answers.gender is None


# ----------------------------------------------------------------------------- over Slack


def share_csv(
    slack: SlackSender,
    standin: SlackStandin,
    user_id: str,
    text: str = GOOD,
    *,
    filename: str = "applicants.csv",
) -> Any:
    """`user_id` shares a CSV file with the bot in their DM; returns the bot's reply there."""
    file_id = standin.share_file(user_id, filename=filename, content=text.encode())
    dm = standin.im_channel_id(user_id)
    before = len(standin.messages_in(dm))
    assert slack.event(standin.file_shared_event(file_id)).status == 200
    return standin.wait_for(
        lambda: [
            m for m in standin.messages_in(dm)[before:] if m.user == standin.workspace.bot_user_id
        ]
    )[0]


def click_import(
    slack: SlackSender, standin: SlackStandin, user_id: str, preview: Any
) -> dict[str, Any]:
    (button,) = [
        element
        for block in preview.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    payload = standin.block_actions(
        user_id=user_id,
        actions=[
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button["value"],
                "text": button["text"],
            }
        ],
        channel_id=preview.channel,
        message={"ts": preview.ts, "text": preview.text, "blocks": preview.blocks},
    )
    assert slack.interaction(payload).status == 200
    url = payload["response_url"]
    replies = standin.wait_for(lambda: [body for to, body in standin.responses if to == url])
    reply: dict[str, Any] = replies[0]
    return reply


def statuses(db: sessionmaker[Session]) -> list[tuple[str, ApplicationStatus, str | None]]:
    with unit_of_work(db) as session:
        return [
            (a.person.email or "", a.status, a.person.slack_user_id)
            for a in session.scalars(select(Application).order_by(Application.id))
        ]


def test_a_shared_csv_is_previewed_then_imported_once_on_confirmation(
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    runtime: Runtime,
) -> None:
    seed_programme(db, criteria=["provider-experience"])
    preview = share_csv(slack, standin, COORDINATOR)

    assert "Ready to import 2 applications" in preview.text
    assert "sam@example.nhs.uk" in preview.text  # no Slack account: listed as unmatched
    assert statuses(db) == []
    reply = click_import(slack, standin, COORDINATOR, preview)
    assert "Imported 2 applications from applicants.csv" in reply["text"]
    assert statuses(db) == [
        ("pat@example.nhs.uk", ApplicationStatus.RECEIVED, PARTICIPANT),
        ("sam@example.nhs.uk", ApplicationStatus.SCREENED_OUT, None),
    ]

    again = share_csv(slack, standin, COORDINATOR)

    assert "Ready to import 0 applications* (2 already imported" in again.text
    assert not [block for block in again.blocks if block["type"] == "actions"]
    assert len(statuses(db)) == 2


def test_a_file_with_errors_is_refused_whole(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    preview = share_csv(
        slack, standin, COORDINATOR, csv_text(row(), row(email="sam@", round="Round 9"))
    )

    assert "Nothing was imported: 1 problem" in preview.text
    assert "Row 3, column `email`: 'sam@' is not an email address." in preview.text
    assert not [block for block in preview.blocks if block["type"] == "actions"]
    assert statuses(db) == []


def test_a_file_with_a_bad_row_still_lists_only_the_emails_slack_does_not_know(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    text = csv_text(
        row(),
        row(name="Sam Smith", email="sam@example.nhs.uk"),
        row(name="Bad Row", email="bad@"),
    )

    preview = share_csv(slack, standin, COORDINATOR, text)

    assert "Nothing was imported: 1 problem" in preview.text
    unmatched = preview.text.split("No Slack account has these emails", 1)[1]
    assert "sam@example.nhs.uk" in unmatched
    assert "pat@example.nhs.uk" not in unmatched
    looked_up = [str(call.args.get("email")) for call in standin.calls_to("users.lookupByEmail")]
    assert sorted(looked_up) == ["pat@example.nhs.uk", "sam@example.nhs.uk"]


def test_only_coordinators_can_import(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    reply = share_csv(slack, standin, PARTICIPANT)

    assert "only programme coordinators" in reply.text
    assert statuses(db) == []
    assert not standin.calls_to("files.info") and not standin.downloads


def test_import_explains_itself_to_coordinators_only(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    assert "share the file with me" in command(slack, standin, COORDINATOR, "import")
    assert "only programme coordinators" in command(slack, standin, PARTICIPANT, "import")


def test_files_shared_outside_a_dm_are_ignored(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    file_id = standin.share_file(COORDINATOR, filename="applicants.csv", content=GOOD.encode())
    event = {**standin.file_shared_event(file_id), "channel_id": "C0GENERAL"}

    assert slack.event(event).status == 200
    # The listener runs after the acknowledgement; a later DM share proves it has finished.
    share_csv(slack, standin, COORDINATOR)
    assert len(standin.calls_to("files.info")) == 1
    assert [d.authorised for d in standin.downloads] == [True]


# ------------------------------------------------------------------- selected into a cohort

SAM = "USAM0001"
COHORT_HEADER = [*HEADER, "cohort"]


def selected_file(*rows: dict[str, str]) -> str:
    return csv_text(*rows, header=COHORT_HEADER)


SELECTED = selected_file(
    row(cohort="Cohort 1"),
    # Fails the provider-experience criterion: screened, but a selection is not screened out.
    row(
        name="Sam Smith",
        email="sam@example.nhs.uk",
        recent_provider_experience="no",
        cohort="cohort 1",
    ),
)


def set_capacity(db: sessionmaker[Session], capacity: int) -> None:
    with unit_of_work(db) as session:
        for cohort in session.scalars(select(Cohort)):
            cohort.capacity = capacity


def placements(db: sessionmaker[Session]) -> list[tuple[str, EnrolmentStatus, bool]]:
    """(email, status, linked to an application) of every enrolment."""
    with unit_of_work(db) as session:
        return [
            (e.person.email or "", e.status, e.application_id is not None)
            for e in session.scalars(select(Enrolment).order_by(Enrolment.id))
        ]


def histories(
    db: sessionmaker[Session],
) -> list[tuple[str, ScreeningResult | None, list[tuple[Any, Any, str | None]]]]:
    """(email, screening result, status changes as (from, to, reason)) of every application."""
    with unit_of_work(db) as session:
        return [
            (
                a.person.email or "",
                a.screening_result,
                [
                    (c.from_status, c.to_status, c.reason)
                    for c in sorted(a.status_changes, key=lambda c: c.id)
                ],
            )
            for a in session.scalars(select(Application).order_by(Application.id))
        ]


def audit_actions(db: sessionmaker[Session]) -> list[str]:
    with unit_of_work(db) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def owed(db: sessionmaker[Session]) -> list[tuple[str, str]]:
    with unit_of_work(db) as session:
        return [
            (m.recipient, m.kind)
            for m in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
        ]


def test_a_cohort_column_enrols_the_selected_and_fills_the_waiting_list(
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    runtime: Runtime,
) -> None:
    standin.add_user(SAM, name="Sam Smith", email="sam@example.nhs.uk")
    seed_programme(db, criteria=["provider-experience"])
    set_capacity(db, 1)

    preview = share_csv(slack, standin, COORDINATOR, SELECTED)

    assert "Ready to import 2 applications" in preview.text
    assert "Cohort 1: 1 will be enrolled, 1 will go on the waiting list." in preview.text
    assert placements(db) == []
    reply = click_import(slack, standin, COORDINATOR, preview)
    assert "Imported 2 applications from applicants.csv." in reply["text"]
    assert "Cohort 1: 1 enrolled, 1 on the waiting list." in reply["text"]
    assert statuses(db) == [
        ("pat@example.nhs.uk", ApplicationStatus.ACCEPTED, PARTICIPANT),
        ("sam@example.nhs.uk", ApplicationStatus.ACCEPTED, SAM),
    ]
    assert placements(db) == [
        ("pat@example.nhs.uk", EnrolmentStatus.ENROLLED, True),
        ("sam@example.nhs.uk", EnrolmentStatus.WAITING, True),
    ]
    (pat, sam) = histories(db)
    received_then_accepted = [
        (None, ApplicationStatus.RECEIVED),
        (ApplicationStatus.RECEIVED, ApplicationStatus.ACCEPTED),
    ]
    assert pat[1] == ScreeningResult.MEETS_CRITERIA
    assert [(c[0], c[1]) for c in pat[2]] == received_then_accepted
    assert pat[2][1][2] == "imported as selected"
    # Screening ran and is recorded, but did not stop the coordinator's selection.
    assert sam[1] == ScreeningResult.DOES_NOT_MEET_CRITERIA
    assert [(c[0], c[1]) for c in sam[2]] == received_then_accepted
    assert (sam[2][1][2] or "").startswith("imported as selected (screening, not applied:")
    assert audit_actions(db).count("application.create") == 2
    assert audit_actions(db).count("application.status") == 2
    assert {"enrolment.enrol", "enrolment.wait"} <= set(audit_actions(db))
    assert (PARTICIPANT, "welcome") in owed(db) and (SAM, "waiting_list") in owed(db)

    events, messages = len(audit_actions(db)), owed(db)
    again = share_csv(slack, standin, COORDINATOR, SELECTED)

    assert "Ready to import 0 applications* (2 already imported" in again.text
    assert not [block for block in again.blocks if block["type"] == "actions"]
    assert len(placements(db)) == 2 and len(statuses(db)) == 2
    assert len(audit_actions(db)) == events and owed(db) == messages


def test_an_unknown_cohort_or_an_unmatched_email_with_a_cohort_refuses_the_file(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], runtime: Runtime
) -> None:
    seed_programme(db)
    text = selected_file(
        row(cohort="Cohort 9"),
        row(email="nobody@example.org", cohort="Cohort 1"),
        row(email="also-nobody@example.org"),  # no cohort: imported without Slack, as before
    )

    preview = share_csv(slack, standin, COORDINATOR, text)

    assert "Nothing was imported: 2 problems" in preview.text
    assert (
        "Row 2, column `cohort`: Aspirant Directors has no cohort called 'Cohort 9': "
        "its cohorts are Cohort 1" in preview.text
    )
    assert "Row 3, column `email`: matches no Slack account" in preview.text
    assert statuses(db) == [] and placements(db) == []
