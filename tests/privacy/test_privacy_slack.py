"""`/cohort erase` and `/cohort sar` through the signed endpoint, against the Slack stand-in."""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.core.audit import ERASURE_ACTION, READ_PREFIX, actor_of
from bot.runtime import Runtime
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import in_transaction
from bot.slack.ids.privacy import CONFIRMED, Field
from bot.slack.web import SLACK_PATH, RunningServer
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import AuditEvent, HandedOffRequest, OutboundMessage
from db.personal import person_linked_tables
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT, SIGNING_SECRET
from tests.privacy.canary import NAME, SLACK_ID, Canary, build, canary_cells
from tests.support.programmes import command_reply, open_modal, submit, ticked

MENTION = f"<@{SLACK_ID}|quentin>"


def seed(runtime: Runtime) -> Canary:
    with unit_of_work(runtime.session_factory) as session:
        return build(session)


def left_behind(runtime: Runtime) -> set[str]:
    with unit_of_work(runtime.session_factory) as session:
        return {table for table, _, _ in canary_cells(session)}


def test_a_coordinator_confirms_the_modal_and_the_person_is_erased(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    standin.add_user(SLACK_ID, name=NAME, email="quentin.canary@example.nhs.uk")
    view_id = open_modal(slack, standin, COORDINATOR, f"erase {MENTION}")
    shown = json.dumps(standin.views[view_id].view)
    for listed in (NAME, "diversity answers", "leave reasons", "coaching notes", "audit trail"):
        assert listed in shown
    refused = submit(slack, standin, view_id, COORDINATOR)
    assert refused["response_action"] == "errors"
    assert "Tick the box" in refused["errors"][Field.CONFIRM]
    assert "person" in left_behind(runtime)

    done = submit(slack, standin, view_id, COORDINATOR, **{Field.CONFIRM: ticked(CONFIRMED)})

    assert done["response_action"] == "update"
    assert "Erased:" in json.dumps(done["view"])
    assert left_behind(runtime) == {"erased_diversity_profile"}
    # Their Home tab no longer shows their places.
    home = standin.wait_for(lambda: standin.home_view(SLACK_ID))
    assert "canary" not in json.dumps(home.view).lower()
    with unit_of_work(runtime.session_factory) as session:
        last = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None
        assert (last.action, actor_of(session, last), last.at, last.entity_id) == (
            ERASURE_ACTION,
            COORDINATOR,
            NOW,
            "-",
        )
    # Erased, the person is no longer found.
    assert "I hold no records about" in command_reply(
        slack, standin, COORDINATOR, f"erase {MENTION}"
    )


def test_their_requests_waiting_for_the_worker_go_with_the_erasure_and_no_one_elses(
    runtime: Runtime, standin: SlackStandin
) -> None:
    seed(runtime)
    standin.add_user(SLACK_ID, name=NAME, email="quentin.canary@example.nhs.uk")
    doorbell = Doorbell()  # no worker listens: what is handed off waits
    server = RunningServer(runtime.wsgi_app(doorbell)).start()
    slack = SlackSender(server.url + SLACK_PATH, SIGNING_SECRET, standin)
    try:
        for user_id in (SLACK_ID, PARTICIPANT):
            slack.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
        assert len(waiting_bodies(runtime)) == 2
        view_id = open_modal(slack, standin, COORDINATOR, f"erase {MENTION}")
        submit(slack, standin, view_id, COORDINATOR, **{Field.CONFIRM: ticked(CONFIRMED)})
        # The listener's last step after its acknowledgement: it has done the rest by then.
        standin.wait_for(lambda: standin.home_view(SLACK_ID))
    finally:
        server.stop()
        doorbell.close()

    (left,) = waiting_bodies(runtime)
    assert PARTICIPANT in left and SLACK_ID not in left


def waiting_bodies(runtime: Runtime) -> list[str]:
    return in_transaction(
        runtime.handoff_engine,
        lambda connection: list(connection.scalars(sa.select(HandedOffRequest.body))),
    )


def test_a_tampered_erasure_form_is_refused_on_its_field(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, f"erase {MENTION}")
    standin.views[view_id].view["private_metadata"] = "[1, 2]"
    refused = submit(slack, standin, view_id, COORDINATOR, **{Field.CONFIRM: ticked(CONFIRMED)})
    assert refused["response_action"] == "errors"
    assert "already been erased, or was never known" in refused["errors"][Field.CONFIRM]
    assert "person" in left_behind(runtime)


def test_only_coordinators_may_erase_or_export_and_a_name_is_not_a_mention(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    seed(runtime)
    for command in (f"erase {MENTION}", f"sar {MENTION}"):
        reply = command_reply(slack, standin, PARTICIPANT, command)
        assert "coordinator" in reply.lower()
    assert "is not a mention" in command_reply(slack, standin, COORDINATOR, "erase Quentin")
    assert "Usage: `/cohort sar @person`" in command_reply(slack, standin, COORDINATOR, "sar")
    assert not standin.calls_to("views.open")
    with unit_of_work(runtime.session_factory) as session:
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(OutboundMessage.kind == "subject_access")
            )
            == 0
        )
    assert "person" in left_behind(runtime)


def test_a_coordinator_gets_the_subject_access_export_in_a_dm(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    canary = seed(runtime)
    reply = command_reply(slack, standin, COORDINATOR, f"sar {MENTION}")
    assert "on its way" in reply
    assert not standin.files
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)

    uploaded = {file.filename: file for file in standin.files.values()}
    json_name = f"subject-access-{canary.person_id}-2017-02-01.json"
    html_name = f"subject-access-{canary.person_id}-2017-02-01.html"
    assert set(uploaded) == {json_name, html_name}
    assert all(f.channels == [standin.im_channel_id(COORDINATOR)] for f in uploaded.values())
    content = uploaded[json_name].content
    assert content is not None
    document = json.loads(content)
    assert document["records"]["person"][0]["email"] == "quentin.canary@example.nhs.uk"
    held = set(document["records"]) | set(document["mentioned_in"])
    assert person_linked_tables() <= held
    page = uploaded[html_name].content
    assert page is not None and b"My canary statement" in page
    with unit_of_work(runtime.session_factory) as session:
        read = session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == READ_PREFIX + "subject_access")
        )
        assert read is not None
        assert (actor_of(session, read), read.entity_id) == (
            COORDINATOR,
            f"person:{canary.person_id}",
        )
        assert read.after is not None and read.after["rows"] > 20
