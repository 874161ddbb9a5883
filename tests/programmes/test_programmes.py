"""Programmes and cohorts from Slack: modals, validation, permissions and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.core.audit import actor_of
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import AuditEvent, Cohort, Programme
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.programmes import command_reply, open_modal, picked_date, submit, text


def add_programme(
    slack: SlackSender, standin: SlackStandin, name: str = "Aspiring Directors"
) -> dict[str, Any]:
    view_id = open_modal(slack, standin, COORDINATOR, "programme add")
    return submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text(name),
        length_months=text("12"),
        coaching_allowance=text("4"),
        timezone=text("Europe/London"),
    )


def test_programme_add_opens_a_form_with_the_defaults(
    slack: SlackSender, standin: SlackStandin
) -> None:
    view_id = open_modal(slack, standin, COORDINATOR, "programme add")

    blocks = {b["block_id"]: b for b in standin.views[view_id].view["blocks"] if "block_id" in b}
    assert blocks["length_months"]["element"]["initial_value"] == "12"
    assert blocks["coaching_allowance"]["element"]["initial_value"] == "4"
    assert blocks["timezone"]["element"]["initial_value"] == "Europe/London"
    assert blocks["steering_channel"]["element"]["type"] == "conversations_select"


def test_coordinator_creates_a_programme_and_it_is_audited(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    answer = add_programme(slack, standin)

    assert answer["response_action"] == "update"
    with unit_of_work(runtime.session_factory) as session:
        programme = session.scalars(select(Programme)).one()
        assert (programme.name, programme.length_months, programme.coaching_allowance) == (
            "Aspiring Directors",
            12,
            4,
        )
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "programme.create")
        ).one()
        assert actor_of(session, event) == COORDINATOR and event.after is not None
    assert "Aspiring Directors" in command_reply(slack, standin, PARTICIPANT, "programmes")


def test_duplicate_programme_name_is_refused_on_the_name_field(
    slack: SlackSender, standin: SlackStandin
) -> None:
    add_programme(slack, standin)

    answer = add_programme(slack, standin, "aspiring directors")

    assert answer["response_action"] == "errors"
    assert "already a programme called 'Aspiring Directors'" in answer["errors"]["name"]


def test_unknown_time_zone_and_bad_numbers_are_refused_naming_the_field(
    slack: SlackSender, standin: SlackStandin
) -> None:
    view_id = open_modal(slack, standin, COORDINATOR, "programme add")
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("X"),
        length_months=text("0"),
        coaching_allowance=text("4"),
        timezone=text("Europe/London"),
    )
    assert answer["errors"] == {"length_months": "The length must be at least 1 month."}
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("X"),
        length_months=text("12"),
        coaching_allowance=text("4"),
        timezone=text("Mars/Olympus"),
    )
    assert "timezone" in answer["errors"]


def test_programme_edit_prefills_and_saves_changes(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    add_programme(slack, standin)
    view_id = open_modal(slack, standin, COORDINATOR, 'programme edit "aspiring directors"')
    blocks = {b["block_id"]: b for b in standin.views[view_id].view["blocks"] if "block_id" in b}
    assert blocks["name"]["element"]["initial_value"] == "Aspiring Directors"

    submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("Aspiring Directors"),
        length_months=text("18"),
        coaching_allowance=text("6"),
        timezone=text("Europe/London"),
    )

    with unit_of_work(runtime.session_factory) as session:
        programme = session.scalars(select(Programme)).one()
        assert (programme.length_months, programme.coaching_allowance) == (18, 6)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "programme.edit")
        ).one()
        assert event.before is not None and event.before["length_months"] == 12


def test_unknown_programme_lists_the_ones_that_exist(
    slack: SlackSender, standin: SlackStandin
) -> None:
    add_programme(slack, standin)

    reply = command_reply(slack, standin, COORDINATOR, "cohort add Nonsense")

    assert "No programme called 'Nonsense'. Programmes: Aspiring Directors." in reply


def test_participants_cannot_create_programmes_or_cohorts(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    add_programme(slack, standin)
    views_before = set(standin.views)

    for command in ("programme add", 'cohort add "Aspiring Directors"', "groups split x y"):
        assert "only programme coordinators" in command_reply(slack, standin, PARTICIPANT, command)

    assert set(standin.views) == views_before


def test_a_form_submitted_by_a_non_coordinator_changes_nothing(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    view_id = open_modal(slack, standin, COORDINATOR, "programme add")

    answer = submit(
        slack,
        standin,
        view_id,
        PARTICIPANT,
        name=text("Sneaky"),
        length_months=text("12"),
        coaching_allowance=text("4"),
        timezone=text("Europe/London"),
    )

    assert "only programme coordinators" in answer["errors"]["name"]
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(Programme)).all() == []


def test_cohorts_are_created_and_edited_with_unique_names(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    add_programme(slack, standin)
    view_id = open_modal(slack, standin, COORDINATOR, 'cohort add "Aspiring Directors"')
    blocks = {b["block_id"]: b for b in standin.views[view_id].view["blocks"] if "block_id" in b}
    assert blocks["capacity"]["element"]["initial_value"] == "15"
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("2017"),
        capacity=text("15"),
        start_date=picked_date("2017-02-01"),
    )
    assert answer["response_action"] == "update"

    view_id = open_modal(slack, standin, COORDINATOR, 'cohort add "Aspiring Directors"')
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("2017"),
        capacity=text("15"),
        start_date=picked_date("2017-02-01"),
    )
    assert "already has a cohort called '2017'" in answer["errors"]["name"]

    view_id = open_modal(slack, standin, COORDINATOR, 'cohort edit "Aspiring Directors" 2017')
    submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        name=text("2017"),
        capacity=text("12"),
        start_date=picked_date("2017-03-01"),
    )
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        assert (cohort.capacity, cohort.start_date) == (12, date(2017, 3, 1))
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["cohort.create", "cohort.edit"]
    assert "Cohorts: 2017" in command_reply(slack, standin, COORDINATOR, "programmes")
