"""CSV import of applications: every row checked first, a preview, then all or nothing, idempotent."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.application_import import parse_csv
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import ApplicationStatus
from db.models import Application
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


class FileServer:
    """Plays Slack's file storage: serves `url_private_download`, only with the bot token."""

    def __init__(self, token: str) -> None:
        self.files: dict[str, bytes] = {}
        self.token = token
        files, expected = self.files, f"Bearer {token}"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.get(self.path.strip("/"))
                if self.headers.get("Authorization") != expected or body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def share(self, standin: SlackStandin, file_id: str, name: str, text: str) -> None:
        """Make `files.info` describe the file and this server hold its content."""
        self.files[file_id] = text.encode()
        url = f"http://127.0.0.1:{self.server.server_port}/{file_id}"
        info = {"id": file_id, "name": name, "filetype": "csv", "size": len(text.encode())}
        standin.stub("files.info", {"ok": True, "file": {**info, "url_private_download": url}})


@pytest.fixture
def file_server(standin: SlackStandin) -> Iterator[FileServer]:
    server = FileServer(standin.bot_token)
    yield server
    server.server.shutdown()
    server.server.server_close()


def share_csv(slack: SlackSender, standin: SlackStandin, user_id: str) -> Any:
    dm = standin.im_channel_id(user_id)
    before = len(standin.messages_in(dm))
    event = {"type": "file_shared", "file_id": "F0CSV", "user_id": user_id, "channel_id": dm}
    assert slack.event(event).status == 200
    return standin.wait_for(lambda: standin.messages_in(dm)[before:])[0]


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
    file_server: FileServer,
) -> None:
    seed_programme(db, criteria=["provider-experience"])
    file_server.share(standin, "F0CSV", "applicants.csv", GOOD)

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
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], file_server: FileServer
) -> None:
    seed_programme(db)
    file_server.share(
        standin, "F0CSV", "applicants.csv", csv_text(row(), row(email="sam@", round="Round 9"))
    )

    preview = share_csv(slack, standin, COORDINATOR)

    assert "Nothing was imported: 1 problem" in preview.text
    assert "Row 3, column `email`: 'sam@' is not an email address." in preview.text
    assert not [block for block in preview.blocks if block["type"] == "actions"]
    assert statuses(db) == []


def test_only_coordinators_can_import(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], file_server: FileServer
) -> None:
    seed_programme(db)
    file_server.share(standin, "F0CSV", "applicants.csv", GOOD)

    reply = share_csv(slack, standin, PARTICIPANT)

    assert "only programme coordinators" in reply.text
    assert statuses(db) == []
    assert not standin.calls_to("files.info")


def test_import_explains_itself_to_coordinators_only(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    assert "share the file with me" in command(slack, standin, COORDINATOR, "import")
    assert "only programme coordinators" in command(slack, standin, PARTICIPANT, "import")


def test_files_shared_outside_a_dm_are_ignored(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], file_server: FileServer
) -> None:
    file_server.share(standin, "F0CSV", "applicants.csv", GOOD)
    event = {
        "type": "file_shared",
        "file_id": "F0CSV",
        "user_id": COORDINATOR,
        "channel_id": "C0GENERAL",
    }

    assert slack.event(event).status == 200
    # The listener runs after the acknowledgement; a later DM share proves it has finished.
    share_csv(slack, standin, COORDINATOR)
    assert len(standin.calls_to("files.info")) == 1
