"""`/cohort export` through Slack: the workbook arrives in the coordinator's DM through the outbox."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import OutboundMessage
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.reporting.test_export import EVIL, SHEETS, seed
from tests.support.programmes import command_reply


def deliver(runtime: Runtime) -> None:
    deps = runtime.tick_dependencies()
    deliver_due(deps.uow, deps.client, NOW)


def owed(runtime: Runtime) -> int:
    with unit_of_work(runtime.session_factory) as session:
        return session.scalar(select(func.count(OutboundMessage.id))) or 0


def test_a_coordinator_gets_the_workbook_in_a_dm(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    reply = command_reply(slack, standin, COORDINATOR, "export")

    assert reply == (
        "Your export is on its way: cohortbot-export-2017-02-01.xlsx will arrive in a DM from me "
        "shortly."
    )
    assert not standin.files
    deliver(runtime)
    (uploaded,) = standin.files.values()
    assert uploaded.filename == "cohortbot-export-2017-02-01.xlsx"
    assert uploaded.channels == [standin.im_channel_id(COORDINATOR)]
    assert uploaded.content is not None
    book = load_workbook(io.BytesIO(uploaded.content))
    assert book.sheetnames == SHEETS
    assert book["Participants"]["D2"].value == "'" + EVIL
    texts = [message.text for message in standin.messages_in(standin.im_channel_id(COORDINATOR))]
    assert "Here is your export (all cohorts), taken Wed 1 Feb, 09:00." in texts


def test_one_cohort_can_be_exported(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    command_reply(slack, standin, COORDINATOR, 'export "Aspiring Directors" 2018')
    deliver(runtime)

    (uploaded,) = standin.files.values()
    assert uploaded.content is not None
    sheet = load_workbook(io.BytesIO(uploaded.content))["Participants"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Olly Other"]
    assert uploaded.title == "cohortbot export: Aspiring Directors / 2018"


def test_a_participant_is_refused_and_nothing_is_owed(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    reply = command_reply(slack, standin, PARTICIPANT, "export")

    assert reply.startswith("Sorry, only programme coordinators can do that.")
    assert owed(runtime) == 0


def test_an_unknown_cohort_is_named_in_the_reply(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    reply = command_reply(slack, standin, COORDINATOR, "export 1999")

    assert reply.startswith("No cohort called '1999'.")
    assert owed(runtime) == 0
