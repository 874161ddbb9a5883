"""Work after an acknowledgement waits for the other requests' acknowledgements, within bounds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.slack.acknowledgements_first import ACKNOWLEDGEMENTS_FIRST, AcknowledgementsFirst
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.fixtures.bot import PARTICIPANT

# Long enough that nothing here is let through by the timeout unless a test sets it shorter.
PATIENT = 30.0
# How long a test watches for work that should not have started; the work is let through well
# within it if the gate is broken, since nothing else holds it.
WATCH = 0.3


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


def held_request(gate: AcknowledgementsFirst, release: threading.Event) -> threading.Event:
    """A request that awaits its acknowledgement until `release` is set; returns 'entered'."""
    entered = threading.Event()

    def request() -> None:
        with gate.awaiting_acknowledgement():
            entered.set()
            release.wait(PATIENT)

    threading.Thread(target=request, daemon=True).start()
    assert entered.wait(PATIENT)
    return entered


def work_after_ack(gate: AcknowledgementsFirst, pool: ThreadPoolExecutor) -> threading.Event:
    """A listener that acknowledged and begins its work; returns 'began'."""
    began = threading.Event()

    def listener() -> None:
        gate.begin_work_after_ack()
        began.set()
        gate.end_work_after_ack()

    pool.submit(listener)
    return began


def test_work_waits_until_no_request_awaits_its_acknowledgement(pool: ThreadPoolExecutor) -> None:
    gate = AcknowledgementsFirst(max_wait=PATIENT)
    release = threading.Event()
    held_request(gate, release)

    began = work_after_ack(gate, pool)

    assert not began.wait(WATCH)
    release.set()
    assert began.wait(PATIENT)


def test_work_goes_ahead_at_once_when_nothing_awaits(pool: ThreadPoolExecutor) -> None:
    gate = AcknowledgementsFirst(max_wait=PATIENT)

    assert work_after_ack(gate, pool).wait(PATIENT)
    pool.shutdown(wait=True)
    assert gate.counts() == (0, 0)


def test_work_stops_waiting_after_the_longest_wait(pool: ThreadPoolExecutor) -> None:
    gate = AcknowledgementsFirst(max_wait=0.05)
    release = threading.Event()
    held_request(gate, release)

    try:
        assert work_after_ack(gate, pool).wait(PATIENT)
    finally:
        release.set()


def test_work_past_the_limit_does_not_wait_so_threads_remain_for_acknowledgements(
    pool: ThreadPoolExecutor,
) -> None:
    gate = AcknowledgementsFirst(max_wait=PATIENT)
    # Three listener threads and two server threads: one listener may wait, two stay free.
    gate.limit_work_to(listener_threads=3, server_threads=2)
    release = threading.Event()
    held_request(gate, release)

    first = work_after_ack(gate, pool)
    assert not first.wait(WATCH)
    second = work_after_ack(gate, pool)

    assert second.wait(PATIENT)
    assert not first.is_set()
    release.set()
    assert first.wait(PATIENT)


def test_a_burst_through_the_endpoint_leaves_nothing_counted(
    slack: SlackSender, standin: SlackStandin
) -> None:
    requests = 12
    with ThreadPoolExecutor(max_workers=requests) as senders:
        results = list(
            senders.map(lambda _: slack.slash_command(PARTICIPANT, "status"), range(requests))
        )
    standin.wait_for(lambda: len(standin.responses) == requests, timeout=30)

    assert [result.status for result in results] == [200] * requests
    standin.wait_for(lambda: ACKNOWLEDGEMENTS_FIRST.counts() == (0, 0) or None, timeout=10)
