"""The erasure modal under hostile submissions: a 200, a specific field error, nothing changed.

It is fuzzed here rather than in tests/slack/test_hostile_input.py: a submission that happens to
tick the real confirmation erases the person, so that harness's "open it again" cannot repeat.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.slack.ids.privacy import Field
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from tests.fixtures.bot import COORDINATOR
from tests.privacy.canary import SLACK_ID, build
from tests.slack.test_hostile_input import FUZZ, HOSTILE, assert_not_generic, snapshot
from tests.support.programmes import open_modal


def forged_metadata(real_person_id: int) -> st.SearchStrategy[str]:
    """Metadata the bot never wrote: anything but the real person's id."""
    return st.one_of(
        HOSTILE,
        st.sampled_from(["[1, 2]", "null", '{"person_id": "x"}', '{"person_id": -1}', "{}", "7"]),
        st.integers()
        .filter(lambda n: n != real_person_id)
        .map(lambda n: json.dumps({"person_id": n})),
    )


def test_hostile_erasure_submissions_are_refused_on_the_field(
    runtime: Runtime,
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with unit_of_work(db) as session:
        canary = build(session)
    view_id = open_modal(slack, standin, COORDINATOR, f"erase <@{SLACK_ID}>")
    stored = standin.views[view_id].view
    genuine = stored["private_metadata"]

    @FUZZ
    @given(
        metadata=forged_metadata(canary.person_id),
        ticked=st.lists(HOSTILE, max_size=3),
        fill=st.booleans(),
    )
    def check(metadata: str, ticked: list[str], fill: bool) -> None:
        caplog.clear()
        # Either a forged form (any metadata, the box ticked) or the real one with a forged tick.
        stored["private_metadata"] = metadata if fill else genuine
        values: dict[str, Any] = {
            Field.CONFIRM: {
                Field.CONFIRM: {
                    "type": "checkboxes",
                    "selected_options": [{"value": v} for v in ticked]
                    if not fill
                    else [{"value": "confirmed"}],
                }
            }
        }
        before = snapshot(db)
        result = slack.interaction(
            standin.view_submission(view_id, user_id=COORDINATOR, values=values)
        )
        assert result.status == 200, result.body[:300]
        answer = json.loads(result.body) if result.body.strip() else {}
        assert_not_generic(json.dumps(answer), caplog, "erase")
        assert answer.get("response_action") == "errors", answer
        assert answer["errors"][Field.CONFIRM]
        assert snapshot(db) == before

    check()
