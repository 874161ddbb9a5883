"""The clock process: static ticks, one pass as of a given instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import event_log
from bot.runtime import Runtime
from db.engine import unit_of_work
from scheduling.clock_process import build_scheduler, parse_instant, run_once
from scheduling.ticks import TICKS

LONDON = ZoneInfo("Europe/London")


def test_once_purges_only_event_ids_slack_can_no_longer_retry(runtime: Runtime) -> None:
    now = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
    with unit_of_work(runtime.session_factory) as session:
        event_log.record_event(session, "Ev0OLD", now - timedelta(days=2))
        event_log.record_event(session, "Ev0RECENT", now - timedelta(minutes=5))

    results = run_once(runtime.tick_dependencies(), now)

    assert [r.summary for r in results if r.tick_id == "purge-processed-events"] == [
        "forgot 1 processed Slack event id(s)"
    ]
    with unit_of_work(runtime.session_factory) as session:
        assert event_log.record_event(session, "Ev0OLD", now) is True
        assert event_log.record_event(session, "Ev0RECENT", now) is False


def test_scheduler_fires_each_tick_with_an_explicit_id_coalescing_misfires(
    runtime: Runtime,
) -> None:
    scheduler = build_scheduler(runtime.tick_dependencies(), runtime.clock, LONDON)

    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {tick.id for tick in TICKS}
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-02-01T09:00", datetime(2017, 2, 1, 9, 0, tzinfo=LONDON)),
        ("2017-07-01T09:00", datetime(2017, 7, 1, 8, 0, tzinfo=UTC)),
        ("2017-07-01T09:00+00:00", datetime(2017, 7, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_now_is_read_in_the_programme_time_zone_unless_it_has_an_offset(
    text: str, expected: datetime
) -> None:
    assert parse_instant(text, LONDON) == expected
