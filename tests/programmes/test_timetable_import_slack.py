"""The timetable import through Slack: the paste form (preview, then import with the warnings
ticked once), a CSV or XLSX file shared in a DM with its import button, and the export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import ActionLearningGroup, Cohort, Enrolment, Person, Programme, ProgrammeSession
from tests.applications.test_import import click_import, share_csv
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.programmes.test_timetable_import import HEADER, TABLE, WEEKEND
from tests.support.programmes import command_reply, open_modal, submit, text, ticked

IMPORT = 'timetable import "Aspiring Directors"'


def seed(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme = Programme(name="Aspiring Directors")
        cohort = Cohort(programme=programme, name="2018", capacity=15, start_date=date(2018, 9, 1))
        groups = [ActionLearningGroup(cohort=cohort, name=f"Group {n}") for n in (1, 2)]
        pat = Enrolment(
            person=Person(name="Pat", slack_user_id=PARTICIPANT), cohort=cohort, group=groups[0]
        )
        session.add_all([programme, cohort, *groups, pat])


def titles(runtime: Runtime) -> list[str]:
    with unit_of_work(runtime.session_factory) as session:
        return list(
            session.scalars(
                select(ProgrammeSession.title).order_by(
                    ProgrammeSession.starts_at, ProgrammeSession.id
                )
            )
        )


def view_text(standin: SlackStandin, view_id: str) -> str:
    view: dict[str, Any] = standin.views[view_id].view
    return "\n".join(b["text"]["text"] for b in view["blocks"] if b.get("type") == "section")


def test_a_pasted_timetable_is_previewed_then_imported_with_its_warnings_ticked_once(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, IMPORT)

    first = submit(slack, standin, view_id, COORDINATOR, table=text(WEEKEND))

    assert first["response_action"] == "update"
    shown = view_text(standin, view_id)
    assert "7 sessions to import" in shown
    assert (
        "Row 2: Workshop *Launch workshop*, 2018: Wed 12 Sep to Thu 13 Sep 2018 (all day), Leeds"
        in shown
    )
    assert (
        "Row 5: Organisational development *System leadership*, 2018: January 2019 (date TBC)"
        in shown
    )
    assert "Row 7 (Social, 2018): Sat 15 Sep 2018 is a weekend." in shown
    assert titles(runtime) == []

    unticked = submit(slack, standin, view_id, COORDINATOR, table=text(WEEKEND))
    assert unticked["response_action"] == "update" and titles(runtime) == []

    done = submit(slack, standin, view_id, COORDINATOR, table=text(WEEKEND), confirm=ticked("yes"))

    assert done["response_action"] == "update"
    assert "Imported 7 sessions into Aspiring Directors's timetable." in str(done["view"])
    assert len(titles(runtime)) == 7

    again = open_modal(slack, standin, COORDINATOR, IMPORT)
    submit(slack, standin, again, COORDINATOR, table=text(WEEKEND))
    assert "0 sessions to import* (7 already there" in view_text(standin, again)
    finished = submit(slack, standin, again, COORDINATOR, table=text(WEEKEND))
    assert "Imported 0 sessions" in str(finished["view"]) and len(titles(runtime)) == 7


def test_a_table_with_errors_is_shown_back_and_nothing_is_imported(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, IMPORT)
    bad = TABLE + "\n2018\tWorkshop\tRecall day\t31 February 2019\t\t\t\tyes"

    for _ in range(2):
        answer = submit(slack, standin, view_id, COORDINATOR, table=text(bad))
        assert answer["response_action"] == "update"

    shown = view_text(standin, view_id)
    assert "Nothing was imported: 1 problem to fix first." in shown
    assert "Row 7, column `dates`: '31 February 2019': 31 February 2019 is not a real date" in shown
    assert titles(runtime) == []


def test_only_coordinators_import_or_export(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    for command in (IMPORT, "timetable export"):
        assert "only programme coordinators" in command_reply(slack, standin, PARTICIPANT, command)


def test_the_export_gives_the_table_back(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, IMPORT)
    submit(slack, standin, view_id, COORDINATOR, table=text(TABLE))
    submit(slack, standin, view_id, COORDINATOR, table=text(TABLE))

    reply = command_reply(slack, standin, COORDINATOR, "timetable export")

    payload = standin.responses[-1][1]
    table = "\n".join(b["text"]["text"] for b in payload["blocks"])
    assert "Timetable of Aspiring Directors" in reply
    assert HEADER in table
    assert "2018\tAssessment\tAssessment centre\tw/c 4 February 2019\t\t\tLondon\tyes" in table


def test_a_csv_timetable_shared_in_a_dm_is_previewed_and_imported_by_its_button(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    csv_text = TABLE.replace("\t", ",").replace("3 and 17 October 2018", '"3 and 17 October 2018"')

    preview = share_csv(slack, standin, COORDINATOR, csv_text, filename="timetable.csv")

    assert "6 sessions to import" in preview.text or "6 sessions to import" in str(preview.blocks)
    assert titles(runtime) == []
    reply = click_import(slack, standin, COORDINATOR, preview)
    assert "Imported 6 sessions from timetable.csv into Aspiring Directors." in reply["text"]
    assert len(titles(runtime)) == 6


def test_an_xlsx_timetable_with_real_dates_in_its_cells_is_imported(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split("\t"))
    sheet.append(
        ["2018", "Workshop", "Launch workshop", date(2018, 9, 12), None, None, "Leeds", "yes"]
    )
    sheet.append(
        ["2018", "ALS", "Set 1", "3 and 17 October 2018", "10:00-16:00", "1 and 2", None, True]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    file_id = standin.share_file(
        COORDINATOR, filename="timetable.xlsx", content=buffer.getvalue(), filetype="xlsx"
    )
    dm = standin.im_channel_id(COORDINATOR)
    assert slack.event(standin.file_shared_event(file_id)).status == 200
    (preview,) = standin.wait_for(
        lambda: [m for m in standin.messages_in(dm) if m.user == standin.workspace.bot_user_id]
    )

    assert "3 sessions to import" in str(preview.blocks)
    reply = click_import(slack, standin, COORDINATOR, preview)
    assert "Imported 3 sessions from timetable.xlsx" in reply["text"]
    assert titles(runtime) == ["Launch workshop", "Set 1", "Set 1"]
