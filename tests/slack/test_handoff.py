"""Requests the worker serves are stored before they are acknowledged, and done once, in order."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from bot.runtime import Runtime
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import (
    CLAIM_SECONDS,
    STALE_AFTER,
    Tidied,
    finish,
    hand_off,
    in_transaction,
    take,
    tidy,
    waiting,
)
from bot.slack.ids.reminders import ActionId
from bot.slack.web import SLACK_PATH, RunningServer
from bot.standin import SlackStandin
from bot.standin.inbound import FORM, SlackSender
from db.enums import RsvpStatus
from db.models import HandedOffRequest
from handlers.hand_off import hands_off
from tests.fixtures.bot import NOW, PARTICIPANT, SIGNING_SECRET
from tests.reminders.test_rsvp import click, remind, reply

HOME_OPEN = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}


class WebWithoutWorker:
    """The web process's app with its doorbell, and no worker yet: as if the worker were down."""

    def __init__(self, runtime: Runtime, standin: SlackStandin) -> None:
        self.runtime = runtime
        self.doorbell = Doorbell()
        self.server = RunningServer(runtime.wsgi_app(self.doorbell)).start()
        self.slack = SlackSender(self.server.url + SLACK_PATH, SIGNING_SECRET, standin)

    def stored(self) -> list[dict[str, Any]]:
        # As the web process and the worker write it: tried again while SQLite says it is locked.
        return in_transaction(
            self.runtime.handoff_engine,
            lambda connection: [
                dict(row)
                for row in connection.execute(sa.select(HandedOffRequest.__table__)).mappings()
            ],
        )


@pytest.fixture
def web(runtime: Runtime, standin: SlackStandin) -> Iterator[WebWithoutWorker]:
    web = WebWithoutWorker(runtime, standin)
    yield web
    web.server.stop()
    web.doorbell.close()


def test_a_click_is_stored_before_its_acknowledgement_and_done_by_a_worker_started_later(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    click(web.slack, standin, PARTICIPANT, reminder, ActionId.ATTENDING)
    time.sleep(0.3)  # long enough for a reply, were anything in this process to send one

    (stored,) = web.stored()
    assert standin.responses == []
    assert reply(runtime) == (RsvpStatus.NONE, None)
    assert json.loads(stored["headers"]) == {"content-type": FORM}

    worker = runtime.handoff_worker(web.doorbell).start()
    try:
        _, updated = standin.wait_for(lambda: standin.responses[-1] if standin.responses else None)
    finally:
        worker.stop()

    assert "You said you'll be there" in updated["text"]
    assert reply(runtime) == (RsvpStatus.ATTENDING, None)
    assert web.stored() == []


def test_an_event_and_its_retry_are_acknowledged_at_once_and_published_once(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    first = web.slack.event(HOME_OPEN, event_id="Ev0HANDOFF1")
    retry = web.slack.event(HOME_OPEN, event_id="Ev0HANDOFF1", retry_num=1)

    assert (first.status, first.body, retry.status, retry.body) == (200, b"", 200, b"")
    assert [json.loads(row["headers"]).get("x-slack-retry-num") for row in web.stored()] == [
        None,
        "1",
    ]
    worker = runtime.handoff_worker(web.doorbell).start()
    try:
        standin.wait_for("views.publish")
        standin.wait_for(lambda: web.stored() == [] or None)
    finally:
        worker.stop()
    assert len(standin.calls_to("views.publish")) == 1


def test_requests_whose_answer_needs_the_work_are_served_in_the_web_process(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    # 'Can't make it' opens a modal (a 3 s trigger); an unknown subcommand is answered in the ack.
    click(web.slack, standin, PARTICIPANT, reminder, ActionId.NOT_ATTENDING)
    unknown = web.slack.slash_command(PARTICIPANT, "frobnicate")

    standin.wait_for("views.open")
    assert "frobnicate" in unknown.json()["text"]
    assert web.stored() == []


def test_help_is_acknowledged_with_its_first_message_as_bolt_would_and_the_rest_follows(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    bolt_alone = RunningServer(runtime.wsgi_app()).start()
    try:
        reference = SlackSender(bolt_alone.url + SLACK_PATH, SIGNING_SECRET, standin)
        expected = reference.slash_command(PARTICIPANT, "help")
        _, rest = standin.wait_for(lambda: standin.responses[-1] if standin.responses else None)
    finally:
        bolt_alone.stop()
    answered_before = len(standin.responses)

    acknowledged = web.slack.slash_command(PARTICIPANT, "help")
    time.sleep(0.3)  # long enough for the rest, were anything in this process to send it

    assert (acknowledged.status, acknowledged.content_type, acknowledged.body) == (
        expected.status,
        expected.content_type,
        expected.body,
    )
    assert "/cohort commands:" in acknowledged.json()["text"]
    assert len(web.stored()) == 1 and len(standin.responses) == answered_before
    worker = runtime.handoff_worker(web.doorbell).start()
    try:
        _, later = standin.wait_for(
            lambda: standin.responses[-1] if len(standin.responses) > answered_before else None
        )
        standin.wait_for(lambda: web.stored() == [] or None)
    finally:
        worker.stop()
    assert later == rest
    assert "(continued)" in later["text"]


def test_a_request_with_a_bad_signature_is_refused_and_not_stored(
    web: WebWithoutWorker,
) -> None:
    envelope = web.slack.workspace.event(dict(HOME_OPEN))
    body = json.dumps(envelope).encode()

    forged = web.slack.post(body, "application/json", signature_value="v0=" + "0" * 64)
    unsigned = web.slack.post(body, "application/json", signed=False)
    stale = web.slack.post(body, "application/json", timestamp=str(int(time.time()) - 600))

    assert (forged.status, unsigned.status, stale.status) == (401, 401, 401)
    assert web.stored() == []


def test_the_worker_takes_the_oldest_first_and_leaves_claimed_work_to_its_claimant(
    runtime: Runtime,
) -> None:
    with runtime.handoff_engine.begin() as connection:
        first = hand_off(connection, "a=1", {"content-type": FORM}, NOW)
        second = hand_off(connection, "a=2", {"content-type": FORM}, NOW)
        taken = take(connection, NOW, limit=1)
        again = take(connection, NOW + timedelta(seconds=1), limit=5)

    assert [request.id for request in taken] == [first]
    assert [request.id for request in again] == [second]
    with runtime.handoff_engine.begin() as connection:
        assert take(connection, NOW + timedelta(seconds=2), limit=5) == ()


def test_work_whose_worker_stopped_is_taken_again_once_then_dropped(runtime: Runtime) -> None:
    later = NOW + timedelta(seconds=CLAIM_SECONDS + 1)
    much_later = later + timedelta(seconds=CLAIM_SECONDS + 1)
    with runtime.handoff_engine.begin() as connection:
        row = hand_off(connection, "a=1", {"content-type": FORM}, NOW)
        take(connection, NOW, limit=1)
        kept = tidy(connection, later)
        retaken = take(connection, later, limit=1)
        given_up = take(connection, much_later, limit=1)
        dropped = tidy(connection, much_later)
        left = waiting(connection)

    assert kept == Tidied(stale=0, abandoned=0)
    assert [request.id for request in retaken] == [row]
    assert (given_up, dropped, left) == ((), Tidied(stale=0, abandoned=1), 0)


def test_work_older_than_slacks_response_urls_is_dropped_and_finished_work_forgotten(
    runtime: Runtime,
) -> None:
    with runtime.handoff_engine.begin() as connection:
        hand_off(connection, "a=old", {"content-type": FORM}, NOW - STALE_AFTER - timedelta(1))
        fresh = hand_off(connection, "a=new", {"content-type": FORM}, NOW)
        tidied = tidy(connection, NOW)
        taken = take(connection, NOW, limit=5)
        finish(connection, [request.id for request in taken])
        left = waiting(connection)

    assert ([request.id for request in taken], tidied.stale, left) == ([fresh], 1, 0)


def test_a_locked_queue_file_is_written_once_the_lock_is_free(runtime: Runtime) -> None:
    queue = runtime.handoff_engine
    if queue.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers do not wait for a file lock")
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with queue.begin() as connection:
            hand_off(connection, "a=first", {}, NOW)
            locked.set()
            release.wait(5)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait(5)
    threading.Timer(0.05, release.set).start()
    second = in_transaction(queue, lambda connection: hand_off(connection, "a=2", {}, NOW))
    holder.join()

    with queue.begin() as connection:
        assert [request.id for request in take(connection, NOW, limit=5)][-1] == second


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    body=st.dictionaries(
        st.sampled_from(["type", "event", "actions", "command", "text", "user"]), JSONISH
    )
)
def test_any_parsed_body_is_classified_without_error(body: dict[str, Any]) -> None:
    acknowledgement = hands_off(body)
    assert acknowledgement is None or acknowledgement.status == 200


def test_what_is_handed_off() -> None:
    def acknowledged(body: dict[str, Any]) -> str | None:
        acknowledgement = hands_off(body)
        return None if acknowledgement is None else acknowledgement.body

    assert acknowledged({"type": "event_callback", "event": {"type": "app_home_opened"}}) == ""
    assert acknowledged({"type": "event_callback", "event": {"type": "no_such_event"}}) is None
    assert (
        acknowledged({"type": "block_actions", "actions": [{"action_id": ActionId.ATTENDING}]})
        == ""
    )
    assert (
        acknowledged({"type": "block_actions", "actions": [{"action_id": ActionId.NOT_ATTENDING}]})
        is None
    )
    assert acknowledged({"command": "/cohort", "text": "status"}) == ""
    assert (
        "/cohort commands:"
        in json.loads(acknowledged({"command": "/cohort", "text": "help"}) or "{}")["text"]
    )
    assert acknowledged({"command": "/cohort", "text": "frobnicate"}) is None
    assert acknowledged({"command": "/cohort", "text": 'status "unclosed'}) is None
    assert acknowledged({"type": "view_submission", "view": {}}) is None


def test_a_stored_timestamp_is_an_aware_utc_instant(runtime: Runtime) -> None:
    with runtime.handoff_engine.begin() as connection:
        hand_off(connection, "a=1", {}, NOW)
        (received,) = connection.scalars(sa.select(HandedOffRequest.received_at))
    assert received == datetime(2017, 2, 1, 9, 0, tzinfo=UTC)


def test_on_sqlite_the_requests_are_kept_in_a_file_of_their_own(runtime: Runtime) -> None:
    queue = runtime.handoff_engine
    if runtime.engine.dialect.name == "sqlite":
        # The worker's own writes to the main file then never hold the web process up.
        assert queue is not runtime.engine
        assert str(queue.url.database).endswith("-handoff")
        assert str(queue.url.database).startswith(str(runtime.engine.url.database))
    else:
        # One statement a request: no transaction around it, no ping before it.
        assert queue is not runtime.engine
        with queue.connect() as connection:
            assert connection.connection.dbapi_connection.autocommit  # type: ignore[union-attr]
        assert not queue.pool._pre_ping


def test_on_postgresql_a_lost_queue_connection_costs_one_request_served_here(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no connection to lose")
    with runtime.handoff_engine.connect() as connection:
        lost = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with runtime.engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(lost)})")
    wait_until_gone = f"SELECT count(*) FROM pg_stat_activity WHERE pid = {int(lost)}"
    with runtime.engine.connect() as connection:
        standin.wait_for(lambda: connection.exec_driver_sql(wait_until_gone).scalar_one() == 0)

    first = web.slack.event(HOME_OPEN, event_id="Ev0LOST1")
    standin.wait_for("views.publish")  # served here: no worker is running
    assert web.stored() == []
    second = web.slack.event(HOME_OPEN, event_id="Ev0LOST2")

    assert (first.status, second.status) == (200, 200)
    assert len(web.stored()) == 1


SLACK_SHAPED = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("event_callback"), "event": JSONISH, "event_id": st.text(max_size=12)}
    ),
    st.fixed_dictionaries({"type": st.just("block_actions"), "actions": JSONISH}),
    JSONISH,
)


def test_a_signed_body_the_hand_off_declines_is_answered_as_bolt_alone_answers_it(
    web: WebWithoutWorker, runtime: Runtime, standin: SlackStandin
) -> None:
    bolt_alone = RunningServer(runtime.wsgi_app()).start()
    reference = SlackSender(bolt_alone.url + SLACK_PATH, SIGNING_SECRET, standin)

    @settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
    @given(
        body=SLACK_SHAPED,
        as_form=st.booleans(),
        content_type=st.sampled_from([FORM, "application/json", "text/plain", ""]),
    )
    def check(body: Any, as_form: bool, content_type: str) -> None:
        encoded = json.dumps(body)
        raw = (urllib.parse.urlencode({"payload": encoded}) if as_form else encoded).encode()
        stored_before = len(web.stored())
        result = web.slack.post(raw, content_type)
        if len(web.stored()) > stored_before:
            acknowledgement = hands_off(parse_body(raw.decode(), content_type))
            assert acknowledgement is not None
            assert (result.status, result.body) == (200, acknowledgement.body.encode())
        else:
            assert result.status == reference.post(raw, content_type).status, raw[:200]

    try:
        check()
    finally:
        bolt_alone.stop()
