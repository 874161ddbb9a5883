"""No request body and no personal data in any log line, whatever reaches the bot.

Canary values go into every field a person can type (their Slack profile, command text, the
fields of a form) and through every path that logs (commands, forms, a failed signature, an
unexpected error); the captured log must hold none of them, while showing the paths were taken.
"""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.standin import SlackStandin
from bot.standin.inbound import FORM, SlackSender
from db.engine import unit_of_work
from db.models import Programme
from tests.fixtures.bot import COORDINATOR
from tests.support.applications import (
    ANSWERS,
    open_application_form,
    seed_programme,
    submit_form,
)
from tests.support.programmes import command_reply, open_modal, picked_date, text

CANARY_USER = "UCANARY1"
CANARIES = {
    "name": "Zebedee Canarywing",
    "email": "zebedee.canarywing@example.nhs.uk",
    "typed": "kanarie-typed-7f3a",
    "statement": "kanarie-statement-91c2",
    "reason": "kanarie-reason-c0de",
    "job": "kanarie-job-title-55",
    "metadata": "kanarie-metadata-e4",
}


@pytest.fixture(autouse=True)
def capture_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture at INFO, the level the bot's processes log at, from every logger and thread."""
    caplog.set_level(logging.INFO)
    return caplog


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured line as it would be written, with any traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def assert_no_canary(caplog: pytest.LogCaptureFixture) -> None:
    text_logged = logged(caplog)
    found = [name for name, value in CANARIES.items() if value.lower() in text_logged.lower()]
    assert not found, f"personal data in the log ({found}):\n{text_logged}"


def test_commands_typed_by_a_person_leave_nothing_of_theirs_in_the_log(
    slack: SlackSender, standin: SlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    standin.add_user(CANARY_USER, name=CANARIES["name"], email=CANARIES["email"])

    for typed in (
        CANARIES["typed"],
        f"away {CANARIES['typed']}",
        f'members "{CANARIES["typed"]}" "{CANARIES["typed"]}"',
        f"enrol <@{CANARY_USER}> {CANARIES['typed']}",
        f'withdraw <@{CANARY_USER}> "A" "B" {CANARIES["reason"]}',
    ):
        assert command_reply(slack, standin, CANARY_USER, typed)
    command_reply(slack, standin, COORDINATOR, f"enrol <@{CANARY_USER}> {CANARIES['typed']}")

    assert_no_canary(caplog)


def test_a_submitted_application_form_leaves_nothing_of_it_in_the_log(
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    standin.add_user(CANARY_USER, name=CANARIES["name"], email=CANARIES["email"])
    seed_programme(db)
    answers = {
        **ANSWERS,
        "name": CANARIES["name"],
        "email": CANARIES["email"],
        "job_title": CANARIES["job"],
        "supporting_statement": CANARIES["statement"],
    }
    view = open_application_form(slack, standin, CANARY_USER)
    assert submit_form(slack, standin, CANARY_USER, view, answers, consent=True) == {}
    # And a refused one, whose field errors go back to the person, not to the log.
    view = open_application_form(slack, standin, CANARY_USER)
    submit_form(slack, standin, CANARY_USER, view, {**answers, "email": CANARIES["typed"]})

    assert_no_canary(caplog)


def test_a_request_with_a_bad_signature_is_refused_without_logging_its_body(
    slack: SlackSender, standin: SlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    fields = standin.slash_command(
        "/cohort", user_id=CANARY_USER, channel_id="C0GENERAL", text=CANARIES["typed"]
    )
    fields["user_name"] = CANARIES["name"]
    body = urllib.parse.urlencode(fields).encode()

    result = slack.post(body, FORM, signature_value="v0=" + "0" * 64)

    assert result.status == 401
    assert "Invalid request signature detected" in logged(caplog)
    assert_no_canary(caplog)


def test_an_unexpected_error_is_logged_without_the_values_that_caused_it(
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with unit_of_work(db) as session:
        session.add(Programme(name="Aspiring Directors"))
    view_id = open_modal(slack, standin, COORDINATOR, 'cohort add "Aspiring Directors"')
    payload = standin.view_submission(
        view_id,
        user_id=COORDINATOR,
        values={
            "name": {"name": text(CANARIES["typed"])},
            "capacity": {"capacity": text("15")},
            "start_date": {"start_date": picked_date("2017-04-01")},
        },
    )
    # A forged submission: the form's own metadata never holds this, so the bot fails on it
    # with an exception whose message quotes the value.
    payload["view"]["private_metadata"] = json.dumps({"programme_id": CANARIES["metadata"]})

    result = slack.interaction(payload)

    assert result.status in (200, 500)
    standin.wait_for(lambda: "unhandled error" in logged(caplog))
    assert "ValueError" in logged(caplog)
    assert_no_canary(caplog)
