"""The Slack stand-in through the real slack_sdk client. Views: modals, submissions, trigger ids and the Home tab."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.standin import SlackStandin
from tests.standin.workspace import PARTICIPANT, modal, refusal, section


# views
def test_a_submissions_answer_is_applied_to_the_open_view_as_slack_would(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    trigger = workspace.new_trigger_id(user_id=PARTICIPANT)
    opened = slack_client.views_open(trigger_id=trigger, view=modal([section("one")]))["view"]
    pushed = slack_client.views_push(
        trigger_id=workspace.new_trigger_id(user_id=PARTICIPANT, view_id=opened["id"]),
        view=modal([section("two")]),
    )["view"]

    workspace.answer_submission(opened["id"], {"response_action": "errors", "errors": {}})
    kept = workspace.views[opened["id"]].view
    workspace.answer_submission(
        opened["id"], {"response_action": "update", "view": modal([section("thanks")])}
    )
    updated = workspace.views[opened["id"]]
    workspace.answer_submission(
        opened["id"], {"response_action": "update", "view": modal([], title="x" * 25)}
    )
    workspace.answer_submission(pushed["id"], {"response_action": "clear"})

    assert kept["blocks"][0]["text"]["text"] == "one"
    assert updated.view["blocks"][0]["text"]["text"] == "thanks"
    assert updated.hash != opened["hash"]
    assert workspace.problems and "view_submission answer" in workspace.problems[0]
    assert workspace.views == {}
    workspace.expect_problems()


def test_views_open_push_update_with_trigger_ids(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    trigger = workspace.new_trigger_id(user_id=PARTICIPANT)

    opened = slack_client.views_open(trigger_id=trigger, view=modal([section("one")]))["view"]
    reused = refusal(slack_client.views_open, trigger_id=trigger, view=modal([section("x")]))
    invented = refusal(
        slack_client.views_open, trigger_id="123.456.abc", view=modal([section("x")])
    )
    from_modal = workspace.new_trigger_id(user_id=PARTICIPANT, view_id=opened["id"])
    pushed = slack_client.views_push(trigger_id=from_modal, view=modal([section("two")]))["view"]
    updated = slack_client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal([section("one, again")])
    )["view"]
    stale = refusal(
        slack_client.views_update,
        view_id=opened["id"],
        hash=opened["hash"],
        view=modal([section("x")]),
    )

    assert (
        opened["id"].startswith("V") and opened["hash"] and opened["root_view_id"] == opened["id"]
    )
    assert reused.response["error"] == "exchanged_trigger_id"
    assert invented.response["error"] == "invalid_trigger_id"
    assert pushed["previous_view_id"] == opened["id"] and pushed["root_view_id"] == opened["id"]
    assert updated["hash"] != opened["hash"] and updated["blocks"] == [section("one, again")]
    assert stale.response["error"] == "hash_conflict"
    assert not workspace.problems


def test_trigger_ids_expire(workspace: SlackStandin, slack_client: WebClient) -> None:
    trigger = workspace.new_trigger_id(lifetime=0.05)
    time.sleep(0.1)

    error = refusal(slack_client.views_open, trigger_id=trigger, view=modal([section("late")]))

    assert error.response["error"] == "expired_trigger_id"


def test_views_publish_sets_the_home_tab(workspace: SlackStandin, slack_client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Your cohort")]}

    first = slack_client.views_publish(user_id=PARTICIPANT, view=home)["view"]
    second = slack_client.views_publish(user_id=PARTICIPANT, view=home, hash=first["hash"])["view"]

    stored = workspace.home_view(PARTICIPANT)
    assert stored is not None and stored.id == first["id"] == second["id"]


@pytest.mark.parametrize(
    ("view", "error", "reason"),
    [
        (modal([section(str(i)) for i in range(101)]), "invalid_arguments", "at most 100"),
        (modal([section("x" * 2900)] * 90), "view_too_large", "bytes"),
        (
            modal([section("x")], title="A title well over twenty-four"),
            "invalid_arguments",
            "title",
        ),
        ({**modal([section("x")]), "id": "V0COPIED"}, "invalid_arguments", "id"),
        ({"type": "home", "blocks": [section("x")]}, "invalid_arguments", "'modal'"),
    ],
)
def test_invalid_views_are_refused(
    workspace: SlackStandin, slack_client: WebClient, view: dict[str, Any], error: str, reason: str
) -> None:
    workspace.expect_problems()

    refused = refusal(slack_client.views_open, trigger_id=workspace.new_trigger_id(), view=view)

    assert refused.response["error"] == error
    assert reason in workspace.problems[0]
