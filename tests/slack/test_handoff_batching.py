"""Bursts: requests arriving together are stored together, and the worker lets a burst land."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import sqlalchemy as sa

from bot.runtime import Runtime
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import in_transaction, waiting
from bot.slack.handoff.together import WrittenTogether
from bot.slack.web import SLACK_PATH, RunningServer
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.fixtures.bot import PARTICIPANT, SIGNING_SECRET


class SlowWrites:
    """Writes that take a moment, as a commit does, recording each batch."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.batches: list[list[str]] = []
        self.fail_on = fail_on

    def __call__(self, rows: Sequence[str]) -> None:
        time.sleep(0.01)
        if self.fail_on in rows:
            raise OSError("the disk is full")
        self.batches.append(list(rows))


def write_at_once(store: WrittenTogether[str], rows: Sequence[str]) -> dict[str, str]:
    """Each row written by its own thread, all released together; what each thread saw."""
    start = threading.Barrier(len(rows))
    outcomes: dict[str, str] = {}

    def one(row: str) -> None:
        start.wait()
        try:
            store.write(row)
            outcomes[row] = "written"
        except OSError as error:
            outcomes[row] = str(error)

    threads = [threading.Thread(target=one, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


def test_rows_written_at_the_same_moment_share_transactions_and_each_is_written_once() -> None:
    writes = SlowWrites()
    rows = [f"row {index}" for index in range(20)]

    outcomes = write_at_once(WrittenTogether(writes), rows)

    assert outcomes == dict.fromkeys(rows, "written")
    written = [row for batch in writes.batches for row in batch]
    assert sorted(written) == sorted(rows)
    assert len(writes.batches) < len(rows)


def test_a_failed_write_is_raised_in_every_thread_whose_row_it_held_and_later_writes_go_on() -> (
    None
):
    writes = SlowWrites(fail_on="bad")
    store = WrittenTogether(writes)

    outcomes = write_at_once(store, ["bad", *[f"row {index}" for index in range(9)]])
    store.write("after")

    failed = {row for row, outcome in outcomes.items() if outcome != "written"}
    assert "bad" in failed and outcomes["bad"] == "the disk is full"
    written = {row for batch in writes.batches for row in batch}
    assert written | failed == {*outcomes, "after"} and not written & failed
    assert writes.batches[-1] == ["after"]


def test_a_burst_through_the_endpoint_is_stored_in_fewer_statements_than_requests(
    runtime: Runtime, standin: SlackStandin
) -> None:
    doorbell = Doorbell()
    server = RunningServer(runtime.wsgi_app(doorbell)).start()
    slack = SlackSender(server.url + SLACK_PATH, SIGNING_SECRET, standin)
    inserts: list[str] = []

    def counted(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT"):
            inserts.append(statement)

    sa.event.listen(runtime.handoff_engine, "before_cursor_execute", counted)
    start = threading.Barrier(24)
    statuses: list[int] = []

    def open_home(index: int) -> None:
        event = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}
        start.wait()
        statuses.append(slack.event(event, event_id=f"Ev0BURST{index:04d}").status)

    try:
        threads = [threading.Thread(target=open_home, args=(index,)) for index in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        sa.event.remove(runtime.handoff_engine, "before_cursor_execute", counted)
        server.stop()
        doorbell.close()

    assert statuses == [200] * 24
    assert in_transaction(runtime.handoff_engine, waiting) == 24
    assert 1 <= len(inserts) < 24


def test_the_worker_waits_for_the_doorbell_to_go_quiet_but_not_for_ever() -> None:
    doorbell = Doorbell()
    stop_ringing = threading.Event()
    last_ring: list[float] = []

    def ring_every_millisecond(for_seconds: float) -> None:
        until = time.monotonic() + for_seconds
        while time.monotonic() < until and not stop_ringing.is_set():
            doorbell.ring()
            last_ring.append(time.monotonic())
            time.sleep(0.001)

    try:
        ringer = threading.Thread(target=ring_every_millisecond, args=(0.05,), name="ringer")
        ringer.start()
        doorbell.settle(quiet=0.02, at_most=5)
        settled_at = time.monotonic()
        ringer.join()
        assert settled_at > last_ring[-1]

        endless = threading.Thread(target=ring_every_millisecond, args=(30,), name="ringer 2")
        started = time.monotonic()
        endless.start()
        doorbell.settle(quiet=0.02, at_most=0.1)
        assert time.monotonic() - started >= 0.1
        assert endless.is_alive()  # it gave up waiting while the rings went on
    finally:
        stop_ringing.set()
        for thread in threading.enumerate():
            if thread.name.startswith("ringer"):
                thread.join(timeout=5)
        doorbell.close()


def test_a_worker_woken_by_a_burst_does_all_of_it(runtime: Runtime, standin: SlackStandin) -> None:
    requests = 5
    doorbell = Doorbell()
    server = RunningServer(runtime.wsgi_app(doorbell)).start()
    slack = SlackSender(server.url + SLACK_PATH, SIGNING_SECRET, standin)
    worker = runtime.handoff_worker(doorbell).start()
    try:
        for index in range(requests):
            event = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}
            slack.event(event, event_id=f"Ev0WOKEN{index:04d}")
        standin.wait_for("views.publish", count=requests)
        standin.wait_for(lambda: in_transaction(runtime.handoff_engine, waiting) == 0 or None)
    finally:
        worker.stop()
        server.stop()
        doorbell.close()
