"""The weekly digest through the real parts: the tick, the outbox, the stand-in and `/cohort`."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import matplotlib.image
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.clock import fixed_clock
from bot.core.settings import SettingsError, WeeklyTime, load_settings
from bot.reporting.digest.delivery import build_digest
from bot.runtime import Runtime
from bot.slack.blocks import to_message
from bot.slack.client import make_web_client
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import AttendanceStatus, RsvpStatus
from db.models import DigestSnapshot, OutboundMessage, Programme
from scheduling.delivery import deliver_due
from scheduling.reporting import owe_weekly_digests
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.people import programme_with_session

STEERING = "C0STEER01"
# Monday 6 February 2017: London is on GMT, so 09:00 there is 09:00 UTC.
MONDAY_0859 = datetime(2017, 2, 6, 8, 59, tzinfo=UTC)
MONDAY_0900 = datetime(2017, 2, 6, 9, 0, tzinfo=UTC)
PEOPLE: dict[str, str | None] = {PARTICIPANT: None, **{f"UPART00{n}": None for n in range(2, 7)}}
DIGEST_TITLE = "Steering group digest: Aspiring Directors, week of Mon 6 Feb 2017"


def setup(runtime: Runtime, standin: SlackStandin, *, channel: str | None = STEERING) -> None:
    """A programme whose one session five of six people attended, and its steering channel."""
    standin.add_channel(STEERING, name="steering-group")
    with unit_of_work(runtime.session_factory) as session:
        held, invitations = programme_with_session(
            session, starts_at=datetime(2017, 1, 20, 9, 0, tzinfo=UTC), people=PEOPLE
        )
        held.cohort.programme.steering_channel_id = channel
        for number, invitation in enumerate(invitations):
            invitation.rsvp = RsvpStatus.ATTENDING
            invitation.attendance = AttendanceStatus.PRESENT if number else AttendanceStatus.ABSENT


def restarted(runtime: Runtime) -> Runtime:
    """A new process's parts on the same database, as after a restart."""
    return Runtime(
        settings=runtime.settings,
        engine=runtime.engine,
        session_factory=runtime.session_factory,
        client=make_web_client(runtime.settings.slack_bot_token, runtime.settings.slack_api_url),
        clock=fixed_clock(MONDAY_0900),
    )


def digest_rows(runtime: Runtime) -> list[OutboundMessage]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.kind == "steering_digest")
            .order_by(OutboundMessage.id)
        )
        found = list(rows)
        session.expunge_all()  # read after the unit of work ends
        return found


def block_texts(blocks: list[dict[str, Any]]) -> str:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found.extend(element.get("text", "") for element in block.get("elements", []))
    return "\n".join(found)


def reply_to(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> dict[str, Any]:
    """Send `/cohort text` and return the reply posted to the response URL."""
    seen = len(standin.responses)
    assert slack.slash_command(user_id, text).status == 200
    standin.wait_for(lambda: len(standin.responses) > seen, timeout=20)
    return standin.responses[seen][1]


def test_the_tick_owes_one_digest_from_monday_0900_even_after_a_restart(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    deps = runtime.tick_dependencies()

    assert owe_weekly_digests(deps, MONDAY_0859).summary == "owed 0 steering digest(s)"
    assert owe_weekly_digests(deps, MONDAY_0900).summary == "owed 1 steering digest(s)"
    assert owe_weekly_digests(deps, MONDAY_0900).summary == "owed 0 steering digest(s)"
    later = restarted(runtime).tick_dependencies()
    assert owe_weekly_digests(later, datetime(2017, 2, 9, 15, 0, tzinfo=UTC)).summary == (
        "owed 0 steering digest(s)"
    )

    (row,) = digest_rows(runtime)
    assert (row.recipient, row.idempotency_key) == (STEERING, "digest:1:2017-02-06")
    with unit_of_work(runtime.session_factory) as session:
        (snapshot,) = session.scalars(select(DigestSnapshot))
        assert snapshot.week_of == date(2017, 2, 6)
        assert snapshot.figures["enrolled_now"] == 6


def test_a_programme_without_its_own_channel_uses_the_configured_steering_channel(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin, channel=None)
    assert owe_weekly_digests(runtime.tick_dependencies(), MONDAY_0900).summary == (
        "owed 0 steering digest(s)"
    )

    configured = replace(runtime, settings=replace(runtime.settings, steering_channel=STEERING))
    assert owe_weekly_digests(configured.tick_dependencies(), MONDAY_0900).summary == (
        "owed 1 steering digest(s)"
    )
    (row,) = digest_rows(runtime)
    assert row.recipient == STEERING


def test_a_programme_whose_digest_cannot_be_built_holds_back_no_other(
    runtime: Runtime, standin: SlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    setup(runtime, standin)
    with unit_of_work(runtime.session_factory) as session:
        session.add(
            Programme(name="Broken", timezone="Mars/Olympus_Mons", steering_channel_id=STEERING)
        )

    with caplog.at_level("ERROR"):
        assert owe_weekly_digests(runtime.tick_dependencies(), MONDAY_0900).summary == (
            "owed 1 steering digest(s)"
        )

    (row,) = digest_rows(runtime)
    assert row.idempotency_key == "digest:1:2017-02-06"
    assert "unknown time zone" in caplog.text


def test_deliver_due_posts_one_digest_with_two_charts_and_the_workbook(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    deps = runtime.tick_dependencies()
    owe_weekly_digests(deps, MONDAY_0900)

    report = deliver_due(deps.uow, deps.client, MONDAY_0900)
    deliver_due(deps.uow, deps.client, MONDAY_0900)

    assert str(report).startswith("sent 1, failed 0")
    posted = [m for m in standin.messages_in(STEERING) if not m.files]
    (digest,) = posted
    assert digest.text.startswith("Steering group digest for Aspiring Directors")
    shown = block_texts(digest.blocks or [])
    assert DIGEST_TITLE in shown
    assert "attended 5 (83.3%)" in shown
    assert "Person 0" not in shown  # names no individual
    files = sorted(standin.files.values(), key=lambda f: f.filename)
    assert [f.filename for f in files] == [
        "attendance-2017-02-06.png",
        "digest-2017-02-06.xlsx",
        "talent-grid-2017-02-06.png",
    ]
    assert all(f.channels == [STEERING] for f in files)
    chart, workbook, grid = files
    for png in (chart, grid):
        assert png.content is not None
        assert matplotlib.image.imread(io.BytesIO(png.content), format="png").ndim == 3
    assert chart.alt_txt is not None and "5 of 6" in chart.alt_txt
    assert grid.alt_txt == "Nine-box talent grid: nobody has been assessed yet."
    assert workbook.alt_txt is None and workbook.content is not None
    sheets = load_workbook(io.BytesIO(workbook.content), read_only=True)
    assert "Attendance" in sheets.sheetnames and "Coaching" in sheets.sheetnames
    rows = list(sheets["Attendance"].iter_rows(values_only=True))
    assert rows[1][:2] == ("Aspiring Directors / 2017", "Action learning set 1")
    assert rows[1][5:8] == (6, 6, 5)


def test_a_digest_whose_answer_was_lost_is_found_in_the_channel_and_its_files_follow(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    deps = runtime.tick_dependencies()
    owe_weekly_digests(deps, MONDAY_0900)
    standin.lose_response_next("chat.postMessage", status=500)

    first = deliver_due(deps.uow, deps.client, MONDAY_0900)
    later = deliver_due(deps.uow, deps.client, MONDAY_0900 + timedelta(minutes=2))

    assert "outcome unknown 1" in str(first)
    assert "reconciled 1 found sent" in str(later)
    assert len([m for m in standin.messages_in(STEERING) if not m.files]) == 1
    assert len(standin.files) == 3
    history_calls = standin.calls_to("conversations.history")
    assert history_calls and all(call.error is None for call in history_calls)


def test_a_coordinator_previews_the_digest_ephemerally(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    reply = reply_to(slack, standin, COORDINATOR, 'report "Aspiring Directors" --since 2017-01-01')

    assert reply.get("response_type", "ephemeral") == "ephemeral"
    shown = block_texts(reply["blocks"])
    assert "Steering group digest: Aspiring Directors, week of Mon 30 Jan 2017" in shown
    assert "*Attendance by session* (since Sun 1 Jan)" in shown
    assert f"attached when the digest is posted in <#{STEERING}>" in shown
    assert standin.files == {} and digest_rows(runtime) == []


def test_a_preview_names_the_configured_channel_when_the_programme_has_none(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin, channel=None)

    with unit_of_work(runtime.session_factory) as session:
        programme = session.scalars(select(Programme)).one()
        digest = build_digest(
            session, programme, MONDAY_0900, preview=True, default_channel=STEERING
        )

    shown = block_texts(to_message(digest.message).as_kwargs()["blocks"])
    assert f"attached when the digest is posted in <#{STEERING}>" in shown
    assert "no steering channel yet" not in shown


def test_a_cohort_report_and_a_bad_since_date(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    cohort = reply_to(slack, standin, COORDINATOR, 'report "Aspiring Directors" "2017"')
    bad = reply_to(slack, standin, COORDINATOR, "report --since 2017-02-30")
    missing = reply_to(slack, standin, COORDINATOR, "report --since")

    assert "Shown for the whole programme only" in block_texts(cohort["blocks"])
    assert bad["text"] == "--since: '2017-02-30' is not a real date."
    assert missing["text"] == "Give a date after --since, such as --since 2017-02-23."


def test_digest_send_queues_the_digest_for_the_next_delivery(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    reply = reply_to(slack, standin, COORDINATOR, "digest send")

    assert reply["text"] == (
        f"The digest for *Aspiring Directors* is queued for <#{STEERING}> and will be posted "
        "there within a minute, with its charts and workbook."
    )
    (row,) = digest_rows(runtime)
    assert row.recipient == STEERING and row.idempotency_key.startswith("digest-now:")
    deps = runtime.tick_dependencies()
    deliver_due(deps.uow, deps.client, NOW)
    (posted,) = [m for m in standin.messages_in(STEERING) if not m.files]
    assert posted.text.startswith("Steering group digest for Aspiring Directors")
    assert len(standin.files) == 3


def test_digest_send_without_a_steering_channel_says_how_to_set_one(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin, channel=None)

    reply = reply_to(slack, standin, COORDINATOR, 'digest send "Aspiring Directors"')

    assert reply["text"] == (
        "Aspiring Directors has no steering channel yet: set one with "
        '`/cohort programme edit "Aspiring Directors"`, then send the digest again.'
    )
    assert digest_rows(runtime) == []


def test_people_who_are_not_coordinators_are_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    for text in ("report", "digest send"):
        reply = reply_to(slack, standin, PARTICIPANT, text)
        assert reply["text"].startswith("Sorry, only programme coordinators can do that.")
    assert digest_rows(runtime) == []
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(Programme.steering_channel_id)).all() == [STEERING]


def test_the_digest_time_is_configurable_and_read_in_the_programmes_time_zone(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    friday = load_settings({"COHORTBOT_DIGEST_AT": "Friday 17:00"}, env_file=None).digest_at
    assert friday == WeeklyTime(4, time(17, 0))
    settings = replace(runtime.settings, digest_at=friday)
    deps = replace(runtime.tick_dependencies(), settings=settings)

    assert owe_weekly_digests(deps, MONDAY_0900).summary == "owed 0 steering digest(s)"
    # 17:00 in London in February is 17:00 UTC.
    assert owe_weekly_digests(deps, datetime(2017, 2, 10, 16, 59, tzinfo=UTC)).summary == (
        "owed 0 steering digest(s)"
    )
    assert owe_weekly_digests(deps, datetime(2017, 2, 10, 17, 0, tzinfo=UTC)).summary == (
        "owed 1 steering digest(s)"
    )
    (row,) = digest_rows(runtime)
    assert row.idempotency_key == "digest:1:2017-02-06"


def test_in_summer_monday_0900_in_london_is_0800_utc(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    deps = runtime.tick_dependencies()

    assert owe_weekly_digests(deps, datetime(2017, 7, 3, 7, 59, tzinfo=UTC)).summary == (
        "owed 0 steering digest(s)"
    )
    assert owe_weekly_digests(deps, datetime(2017, 7, 3, 8, 0, tzinfo=UTC)).summary == (
        "owed 1 steering digest(s)"
    )


def test_a_malformed_digest_time_names_the_variable() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"COHORTBOT_DIGEST_AT": "monday 9am"}, env_file=None)

    assert str(refused.value) == (
        "COHORTBOT_DIGEST_AT is 'monday 9am'; expected a day and a 24-hour time in each "
        "programme's time zone, such as mon 09:00"
    )
    assert load_settings({}, env_file=None).digest_at == WeeklyTime(0, time(9, 0))
