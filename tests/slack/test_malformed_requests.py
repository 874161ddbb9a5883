"""Signed bodies that break the shapes of Slack's payloads: refused with a 400, never a 500."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.payload_shape import keeps_slack_shapes
from bot.standin import SlackStandin
from bot.standin.inbound import FORM, JSON, SlackSender
from tests.fixtures.bot import COORDINATOR, PARTICIPANT

# Bodies Slack never sends. The first six made Bolt's middleware, matchers or log of unhandled
# requests raise, and Bolt answered 500; a numeric user raised out of Bolt altogether; a numeric
# action id went unmatched.
BOLT_FAILED_ON = [
    {"type": "block_actions", "actions": "x"},
    {"type": "block_actions", "actions": [1]},
    {"type": "view_submission", "view": "x"},
    {"type": "view_closed", "view": []},
    {"type": "event_callback", "event": "x"},
    {"type": "block_suggestion", "action_id": 1},
    {"type": "block_actions", "user": 5, "actions": []},
    {"type": "block_actions", "actions": [{"action_id": 3}]},
]

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def slack_payloads(standin: SlackStandin) -> list[tuple[dict[str, Any], bool]]:
    """Payloads as Slack sends them, each with whether it comes as a form field."""
    action = {"type": "button", "action_id": "rsvp.attending", "block_id": "b", "value": "1"}
    home = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}
    changed = {"type": "user_change", "user": {"id": PARTICIPANT, "tz": "Europe/London"}}
    joined = {"type": "member_joined_channel", "user": PARTICIPANT, "channel": "C0GENERAL"}
    return [
        (standin.slash_command("/cohort", user_id=COORDINATOR, channel_id="C0GENERAL"), False),
        (standin.block_actions(user_id=PARTICIPANT, actions=[action]), True),
        (standin.event(home), False),
        (standin.event(changed), False),
        (standin.event(joined), False),
    ]


def send(slack: SlackSender, body: Any, as_form: bool) -> int:
    """Post `body` signed, as a form's `payload` field or as JSON; the HTTP status."""
    encoded = json.dumps(body)
    if as_form:
        return slack.post(urllib.parse.urlencode({"payload": encoded}).encode(), FORM).status
    return slack.post(encoded.encode(), JSON).status


@pytest.mark.parametrize("body", BOLT_FAILED_ON, ids=lambda body: json.dumps(body))
def test_a_body_bolt_failed_on_is_refused_with_a_400_and_no_error_logged(
    slack: SlackSender, body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        statuses = (send(slack, body, as_form=True), send(slack, body, as_form=False))

    assert statuses == (400, 400)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "not shaped as Slack's" in caplog.text


def test_payloads_slack_sends_keep_the_shapes(standin: SlackStandin) -> None:
    for payload, _ in slack_payloads(standin):
        assert keeps_slack_shapes(payload), payload


def test_a_signed_body_is_never_answered_with_a_server_error(
    slack: SlackSender, standin: SlackStandin
) -> None:
    kinds = len(slack_payloads(standin))

    @settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
    @given(which=st.integers(0, kinds - 1), data=st.data())
    def check(which: int, data: st.DataObject) -> None:
        # A real payload (with a response URL of its own) with one field, at the top or one
        # level down, replaced or added.
        payload, as_form = slack_payloads(standin)[which]
        body = json.loads(json.dumps(payload))
        outer = data.draw(st.sampled_from(sorted(body)) | st.text(max_size=10))
        value = data.draw(JSONISH)
        inner = body.get(outer)
        if isinstance(inner, dict) and inner and data.draw(st.booleans()):
            inner[data.draw(st.sampled_from(sorted(inner)) | st.text(max_size=10))] = value
        else:
            body[outer] = value
        status = send(slack, body, as_form)
        assert status < 500, body

    check()
