"""Requests are acknowledged as they arrive, whatever work earlier ones are still doing."""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

from bot.slack.app import LISTENER_THREADS
from bot.slack.web import freeze_startup_objects
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.fixtures.bot import PARTICIPANT


def test_more_requests_than_bolts_default_threads_are_all_acknowledged_before_any_reply(
    slack: SlackSender, standin: SlackStandin
) -> None:
    # Each /cohort status asks Slack who the user is after its acknowledgement; Slack is slow.
    standin.delay("users.info", 2.5)
    requests = 10
    assert LISTENER_THREADS >= requests > 5  # Bolt's default pool has 5 threads

    with ThreadPoolExecutor(max_workers=requests) as pool:
        results = list(pool.map(lambda _: slack.slash_command(PARTICIPANT, "status"), range(10)))
    replies_while_acknowledging = len(standin.responses)

    assert [result.status for result in results] == [200] * requests
    # Every request had its acknowledgement before the first reply could be sent.
    assert replies_while_acknowledging == 0
    standin.wait_for(lambda: len(standin.responses) == requests, timeout=30)


def test_a_retry_of_an_event_never_recorded_is_run_once(
    slack: SlackSender, standin: SlackStandin
) -> None:
    event = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}

    # The first delivery never reached us; the retry does, then a late copy of the first.
    retry = slack.event(event, event_id="Ev0LOSTFIRST", retry_num=1)
    standin.wait_for("views.publish")
    late = slack.event(event, event_id="Ev0LOSTFIRST")
    time.sleep(0.3)  # give a wrongly processed copy the chance to show up

    assert (retry.status, late.status) == (200, 200)
    assert len(standin.calls_to("views.publish")) == 1


def test_objects_made_at_start_are_left_out_of_full_collections() -> None:
    before = gc.get_freeze_count()
    try:
        freeze_startup_objects()

        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
