"""Hostile input through the signed endpoint: always a 200 and a specific answer, never a 500.

A property-based fuzz over every `/cohort` subcommand of the grammar and every modal the bot
opens from a command (those opened by buttons: `test_hostile_button_modals`). The values are what a careless or hostile person types: very long text,
unicode, control characters, quotes, mentions, impossible dates, huge and negative numbers.
For each: the HTTP answer is a 200, the reply is not the generic "something went wrong", nothing
unexpected is logged, and a refusal leaves the database as it was (reads may add audit rows).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import SessionKind
from db.models import (
    AdvertisingRound,
    AuditEvent,
    Base,
    HandedOffRequest,
    Invitation,
    ProgrammeSession,
)
from handlers.commands import ROUTES
from handlers.errors import SOMETHING_WENT_WRONG
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.programmes import make_cohort, make_person, make_session

EXAMPLES = 12
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LONG = st.integers(min_value=90, max_value=4000).flatmap(
    lambda n: st.sampled_from(["x", "é", "&", "<", "漢", "'", " a"]).map(lambda c: c * n)
)
CONTROL = st.sampled_from(["\x00", "\x07", "\x1b[31m", "\u202e", "\r\n", "\t", "\ufeff", "\x7f"])
QUOTES = st.sampled_from(['"', "'", "“curly”", "can't", '""', "\\", "`code`", "*bold*"])
MENTIONS = st.sampled_from(
    ["<!channel>", "<!here>", "<@U0000000>", "<@UPART001|pat>", "<#C0000|general>", "@here"]
)
DATES = st.sampled_from(
    ["31/02/2017", "2017-02-31", "29 Feb 2017", "0/0/0", "32 Jan", "2017-13-01", "99/99/9999"]
)
NUMBERS = st.sampled_from(
    ["-1", "0", "-0", "99999999999999999999999", "1e308", "NaN", "²", "0x10", "-2147483649"]
)
UNICODE = st.text(min_size=1, max_size=40)
HOSTILE = st.one_of(
    LONG,
    CONTROL,
    QUOTES,
    MENTIONS,
    DATES,
    NUMBERS,
    UNICODE,
    st.tuples(UNICODE, CONTROL, UNICODE).map("".join),
)
# The words of the grammar that are not values: a keyword that gets hostile values after it
# reaches that branch. Keywords that change something on their own are left out.
_CHANGES_ON_ITS_OWN = {"all", "compulsory", "off", "none"}


def keywords(name: str) -> list[str]:
    """The literal first words of each alternative in a subcommand's usage."""
    usage = ROUTES[name].subcommand.arguments
    words = {
        word
        for alternative in re.split(r"[|\[\]]", usage)
        for word in alternative.split()[:1]
        if re.fullmatch(r"[a-z]+", word)
    }
    return sorted(words - _CHANGES_ON_ITS_OWN)


def quote(token: str) -> str:
    return '"' + token.replace('"', "") + '"'


def command_line(name: str, prefix: list[str], tokens: list[str], quoted: list[bool]) -> str:
    words = [quote(t) if q else t for t, q in zip(tokens, quoted, strict=True)]
    return " ".join([name, *prefix, *words])


@pytest.fixture
def seeded(runtime: Runtime, db: sessionmaker[Session]) -> Iterator[None]:
    """A programme with a cohort, a past session, an enrolled participant and an open round."""
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        enrolment = make_person(session, cohort, "Pat Participant", slack_user_id=PARTICIPANT)
        workshop = make_session(
            session,
            cohort,
            "Launch workshop",
            starts_at=datetime(2017, 1, 20, 10, 0, tzinfo=UTC),
            kind=SessionKind.WORKSHOP,
        )
        session.add(Invitation(session_id=workshop.id, enrolment_id=enrolment.id))
        session.add(
            AdvertisingRound(
                programme=cohort.programme,
                name="Round 1",
                opens_on=date(2017, 1, 1),
                closes_on=date(2017, 3, 1),
            )
        )
    yield


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def snapshot(db: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit trail and its pseudonyms (a read may add to them),
    event ids, and requests handed to the worker (a row until their work is done)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with unit_of_work(db) as session:
        for table in Base.metadata.sorted_tables:
            if table.name in {
                AuditEvent.__tablename__,
                "audit_pseudonym",
                "processed_event",
                HandedOffRequest.__tablename__,
            }:
                continue
            result = session.execute(sa.select(table)).all()
            rows[table.name] = sorted((tuple(map(repr, row)) for row in result), key=str)
        audit = session.scalars(sa.select(AuditEvent.action)).all()
    rows["audit changes"] = sorted((a,) for a in audit if not a.startswith("read."))
    return rows


def answer_of(slack: SlackSender, standin: SlackStandin, user: str, line: str) -> str:
    """Send `/cohort line`; the text of the reply, or "(modal)" when a modal was opened."""
    opened = len(standin.calls_to("views.open"))
    result = slack.slash_command(user, line)
    assert result.status == 200, (line, result.status, result.body[:300])
    if result.body and json.loads(result.body).get("text"):
        return str(json.loads(result.body)["text"])

    def reply() -> str | None:
        for url, payload in standin.responses:
            if url == result.response_url:
                return str(payload.get("text", ""))
        if len(standin.calls_to("views.open")) > opened:
            return "(modal)"
        return None

    return str(standin.wait_for(reply))


def assert_not_generic(answer: str, caplog: pytest.LogCaptureFixture, context: str) -> None:
    assert SOMETHING_WENT_WRONG.split(".")[0] not in answer, context
    unexpected = [
        r.getMessage()[:400] for r in caplog.records if "unhandled error" in r.getMessage()
    ]
    assert not unexpected, (context, unexpected)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_subcommand_answers_hostile_arguments_with_a_specific_message(
    name: str,
    seeded: None,
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    @FUZZ
    @given(
        user=st.sampled_from([COORDINATOR, PARTICIPANT]),
        prefix=st.lists(st.sampled_from(keywords(name) or [""]), max_size=1),
        tokens=st.lists(HOSTILE, min_size=1, max_size=4),
        data=st.data(),
    )
    def check(user: str, prefix: list[str], tokens: list[str], data: st.DataObject) -> None:
        quoted = data.draw(st.lists(st.booleans(), min_size=len(tokens), max_size=len(tokens)))
        line = command_line(name, [p for p in prefix if p], tokens, quoted)
        before = snapshot(db)
        caplog.clear()

        answer = answer_of(slack, standin, user, line)

        assert_not_generic(answer, caplog, line[:300])
        assert snapshot(db) == before, line[:300]

    check()


def test_an_unknown_hostile_subcommand_is_echoed_shortened(
    seeded: None,
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    @FUZZ
    @given(name=HOSTILE, rest=st.lists(HOSTILE, max_size=2))
    def check(name: str, rest: list[str]) -> None:
        line = " ".join([quote(name), *rest])
        before = snapshot(db)
        caplog.clear()

        answer = answer_of(slack, standin, PARTICIPANT, line)

        assert_not_generic(answer, caplog, line[:300])
        assert len(answer) < 1000, line[:300]
        assert snapshot(db) == before

    check()


# Every modal a command opens, with who opens it (the seeded data makes each one openable).
MODALS = {
    "programme add": (COORDINATOR, "programme add"),
    "programme edit": (COORDINATOR, 'programme edit "Aspiring Directors"'),
    "cohort add": (COORDINATOR, 'cohort add "Aspiring Directors"'),
    "cohort edit": (COORDINATOR, 'cohort edit "Aspiring Directors" 2017'),
    "session add": (COORDINATOR, 'session add "Aspiring Directors" 2017'),
    "session edit": (COORDINATOR, "session edit 1"),
    "session move": (COORDINATOR, "session move 1"),
    "apply": ("UAPPLY01", "apply"),
    "coaching log (own)": (PARTICIPANT, "coaching log"),
    "coaching log (for someone)": (COORDINATOR, f"coaching log <@{PARTICIPANT}>"),
    "outcome (own)": (PARTICIPANT, "outcome"),
    "outcome (for someone)": (COORDINATOR, f"outcome <@{PARTICIPANT}>"),
    "assess": (COORDINATOR, f"assess <@{PARTICIPANT}>"),
    "attendance record": (COORDINATOR, "attendance 1 record"),
    "timetable import": (COORDINATOR, 'timetable import "Aspiring Directors"'),
}
# `erase` opens a confirmation with nothing to type (its only input is the button), and the
# modals opened by buttons are fuzzed in `test_hostile_button_modals`.
HOSTILE_DATES = st.one_of(
    st.sampled_from(["2017-02-31", "0000-01-01", "9999-12-31", "2017-13-01", "", "yesterday"]),
    st.dates().map(date.isoformat),
)
HOSTILE_TIMES = st.sampled_from(["25:61", "24:00", "00:00", "-1:00", "", "9"])
USERS = st.sampled_from([COORDINATOR, PARTICIPANT, "U0NOBODY", "", "<!channel>", "x" * 300])


def offered(element: dict[str, Any]) -> list[str]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return [str(option["value"]) for option in options]


def hostile_state(element: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """A state value for one input element: hostile, or now and then one of its real options."""
    kind = str(element["type"])
    if kind == "datepicker":
        return {"type": kind, "selected_date": data.draw(HOSTILE_DATES)}
    if kind == "timepicker":
        return {"type": kind, "selected_time": data.draw(HOSTILE_TIMES)}
    if kind in {"static_select", "radio_buttons", "external_select"}:
        value = data.draw(st.one_of(st.sampled_from(offered(element) or ["x"]), HOSTILE))
        option = {"value": value, "text": {"type": "plain_text", "text": value[:75] or "?"}}
        return {"type": kind, "selected_option": option}
    if kind in {"checkboxes", "multi_static_select"}:
        values = data.draw(st.lists(st.one_of(st.sampled_from(offered(element) or ["x"]), HOSTILE)))
        return {"type": kind, "selected_options": [{"value": v} for v in values]}
    if kind == "users_select":
        return {"type": kind, "selected_user": data.draw(USERS)}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": data.draw(st.lists(USERS, max_size=3))}
    if kind in {"conversations_select", "channels_select"}:
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        return {"type": kind, key: data.draw(st.sampled_from(["C0GENERAL", "C0NOWHERE", ""]))}
    return {"type": kind, "value": data.draw(HOSTILE)}


def submit_hostile_values(
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
    view_id: str,
    user: str,
    data: st.DataObject,
    context: str,
) -> dict[str, Any]:
    """Submit `view` with hostile values in a random subset of its inputs, and check the answer:
    a 200, never the generic error, field errors within Slack's limits, and a refusal that
    leaves the database as it was. Returns the answer."""
    values = {
        block["block_id"]: {block["element"]["action_id"]: hostile_state(block["element"], data)}
        for block in standin.views[view_id].view["blocks"]
        if block["type"] == "input" and data.draw(st.integers(0, 9), label="filled") > 0
    }
    before = snapshot(db)
    caplog.clear()

    result = slack.interaction(standin.view_submission(view_id, user_id=user, values=values))

    assert result.status == 200, (context, result.status, result.body[:300])
    answer: dict[str, Any] = json.loads(result.body) if result.body.strip() else {}
    assert_not_generic(json.dumps(answer), caplog, context)
    if answer.get("response_action") == "errors":
        assert all(answer["errors"].values()), (context, answer)
        assert all(len(text) <= 2000 for text in answer["errors"].values()), context
        assert snapshot(db) == before, context
    return answer


@pytest.mark.parametrize("modal", sorted(MODALS))
def test_every_modal_answers_hostile_values_with_a_specific_message(
    modal: str,
    seeded: None,
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user, line = MODALS[modal]
    standin.add_user("UAPPLY01", name="Ann Applicant", email="ann@example.nhs.uk")

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        caplog.clear()
        before_views = set(standin.views)
        assert answer_of(slack, standin, user, line) == "(modal)", line
        (view_id,) = set(standin.views) - before_views
        submit_hostile_values(slack, standin, db, caplog, view_id, user, data, modal)

    check()


# ---------------------------------------------------------------- the cases the issue names

LONG_NAME = "Cohort " * 450


def test_an_unknown_subcommand_of_3000_characters_is_echoed_shortened(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, "x" * 3000)

    assert result.status == 200
    text = str(result.json()["text"])
    assert "I don't know `/cohort xxxx" in text and "…" in text
    assert len(text) < 300


@pytest.mark.parametrize(
    "line",
    [
        f'groups "{LONG_NAME}" 2017',
        f'report "{LONG_NAME}" 2017',
        f'applications "{LONG_NAME}"',
        f'members "Aspiring Directors" "{LONG_NAME}"',
        f'reminders "{LONG_NAME}"',
        f'rounds "{LONG_NAME}"',
        f'role add <@{PARTICIPANT}> "{LONG_NAME}"',
        f"away {LONG_NAME}",
        f'coach <@{COORDINATOR}> <@{PARTICIPANT}> "{LONG_NAME}" 2017',
        f'enrol <@{PARTICIPANT}> "{LONG_NAME}" "{LONG_NAME}"',
        f'export "{LONG_NAME}"',
    ],
)
def test_a_long_name_is_refused_with_a_short_specific_reply(
    line: str, seeded: None, slack: SlackSender, standin: SlackStandin
) -> None:
    answer = answer_of(slack, standin, COORDINATOR, line)

    assert SOMETHING_WENT_WRONG[:20] not in answer
    assert LONG_NAME not in answer and len(answer) < 2500


def test_a_256_character_time_zone_is_a_field_error(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    before = snapshot(db)
    view_id = next_modal(slack, standin, COORDINATOR, "programme add")
    values = {
        "name": "Aspiring Directors",
        "length_months": "12",
        "coaching_allowance": "4",
        "timezone": "Europe/" + "x" * 249,
    }
    result = slack.interaction(
        standin.view_submission(
            view_id,
            user_id=COORDINATOR,
            values={k: {k: {"type": "plain_text_input", "value": v}} for k, v in values.items()},
        )
    )

    assert result.status == 200
    errors = result.json()["errors"]
    assert "is not a time zone I know" in errors["timezone"] and len(errors["timezone"]) < 200
    assert snapshot(db) == before


def test_a_long_reason_for_moving_a_session_is_kept_and_told(
    seeded: None, slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    reason = "The venue flooded. " * 150
    view_id = next_modal(slack, standin, COORDINATOR, "session move 1")
    values = {
        "start_date": {"type": "datepicker", "selected_date": "2017-03-08"},
        "start_time": {"type": "timepicker", "selected_time": "10:00"},
        "end_date": {"type": "datepicker", "selected_date": "2017-03-08"},
        "end_time": {"type": "timepicker", "selected_time": "13:00"},
        "reason": {"type": "plain_text_input", "value": reason},
    }
    result = slack.interaction(
        standin.view_submission(
            view_id, user_id=COORDINATOR, values={k: {k: v} for k, v in values.items()}
        )
    )

    assert result.status == 200
    answer = result.json()
    assert answer["response_action"] in {"update", "errors"}, answer
    if answer["response_action"] == "update":
        with unit_of_work(db) as session:
            moved = session.scalars(sa.select(ProgrammeSession)).one()
            assert moved.change_reason == reason.strip()


def next_modal(slack: SlackSender, standin: SlackStandin, user: str, line: str) -> str:
    before = set(standin.views)
    assert answer_of(slack, standin, user, line) == "(modal)"
    (view_id,) = set(standin.views) - before
    return view_id
