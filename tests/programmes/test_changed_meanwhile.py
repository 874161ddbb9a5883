"""Two coordinators editing one cohort or session at once: the second is told, nothing is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import Cohort
from tests.fixtures.bot import COORDINATOR
from tests.programmes.test_programmes import add_programme
from tests.programmes.test_timetable import existing_session, session_form, sessions, setup_cohort
from tests.support.programmes import command_reply, open_modal, picked_date, submit, text

SECOND_COORDINATOR = "UCOORD02"


def second_coordinator(slack: SlackSender, standin: SlackStandin) -> None:
    standin.add_user(SECOND_COORDINATOR, name="Sam Second")
    reply = command_reply(
        slack, standin, COORDINATOR, f"role add <@{SECOND_COORDINATOR}> coordinator"
    )
    assert "coordinator" in reply


def cohort_form(capacity: str) -> dict[str, dict[str, str]]:
    return {
        "name": text("2017"),
        "capacity": text(capacity),
        "start_date": picked_date("2017-02-01"),
    }


def test_the_second_of_two_cohort_edits_is_told_what_the_cohort_is_now(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    second_coordinator(slack, standin)
    add_programme(slack, standin)
    view_id = open_modal(slack, standin, COORDINATOR, 'cohort add "Aspiring Directors"')
    submit(slack, standin, view_id, COORDINATOR, **cohort_form("15"))
    edit = 'cohort edit "Aspiring Directors" 2017'
    first = open_modal(slack, standin, COORDINATOR, edit)
    second = open_modal(slack, standin, SECOND_COORDINATOR, edit)

    assert submit(slack, standin, first, COORDINATOR, **cohort_form("20"))["response_action"] == (
        "update"
    )
    answer = submit(slack, standin, second, SECOND_COORDINATOR, **cohort_form("12"))

    error = answer["errors"]["name"]
    assert "The cohort 2017 was changed by someone else a moment ago" in error
    assert "Here is what it is now: 2017, capacity 20, starting Wed 1 Feb 2017" in error
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(Cohort.capacity)).one() == 20
    again = open_modal(slack, standin, SECOND_COORDINATOR, edit)
    submit(slack, standin, again, SECOND_COORDINATOR, **cohort_form("12"))
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        assert (cohort.capacity, cohort.start_date) == (12, date(2017, 2, 1))


def test_the_second_of_two_session_edits_is_told_what_the_session_is_now(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    second_coordinator(slack, standin)
    setup_cohort(runtime)
    session_id = existing_session(runtime)
    first = open_modal(slack, standin, COORDINATOR, f"session edit {session_id}")
    second = open_modal(slack, standin, SECOND_COORDINATOR, f"session edit {session_id}")

    def details(title: str, location: str) -> dict[str, dict[str, Any]]:
        form = session_form(title=title, location=text(location))
        for time_field in ("start_date", "start_time", "end_time"):
            form.pop(time_field)
        return form

    submit(slack, standin, first, COORDINATOR, **details("Launch day", "York"))
    answer = submit(slack, standin, second, SECOND_COORDINATOR, **details("Kick-off", "Leeds"))

    (error,) = answer["errors"].values()
    assert f"#{session_id} Launch day was changed by someone else a moment ago" in error
    assert "Launch day" in error and "York" in error
    (row,) = sessions(runtime)
    assert (row.title, row.location) == ("Launch day", "York")
