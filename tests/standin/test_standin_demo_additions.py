"""What the stand-in does for the demo: a pushed answer, a closed modal, a response_url's replace."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.standin import SlackStandin
from tests.standin.workspace import CHANNEL, PARTICIPANT, modal, section


def test_a_push_answer_puts_a_view_on_top_and_closing_it_uncovers_the_first(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    trigger = workspace.new_trigger_id(user_id=PARTICIPANT)
    opened = slack_client.views_open(trigger_id=trigger, view=modal([section("one")]))["view"]

    workspace.answer_submission(
        opened["id"], {"response_action": "push", "view": modal([section("two")])}
    )
    pushed = next(v for v in workspace.views.values() if v.id != opened["id"])
    workspace.close_view(pushed.id)

    assert pushed.previous_view_id == opened["id"]
    assert pushed.root_view_id == opened["id"] and pushed.user_id == PARTICIPANT
    assert pushed.view["blocks"][0]["text"]["text"] == "two"
    assert list(workspace.views) == [opened["id"]]


def test_a_push_answer_slack_would_refuse_is_a_problem(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    trigger = workspace.new_trigger_id(user_id=PARTICIPANT)
    opened = slack_client.views_open(trigger_id=trigger, view=modal([section("one")]))["view"]

    workspace.answer_submission(
        opened["id"], {"response_action": "push", "view": modal([], title="x" * 25)}
    )

    assert list(workspace.views) == [opened["id"]]
    assert workspace.problems and "view_submission answer" in workspace.problems[0]
    workspace.expect_problems()


def test_replace_original_changes_the_message_and_delete_original_removes_it(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    first = slack_client.chat_postMessage(channel=CHANNEL, text="Will you come?")["ts"]
    second = slack_client.chat_postMessage(channel=CHANNEL, text="Another")["ts"]

    replaced = workspace.replace_message(CHANNEL, first, text="You said yes", blocks=None)
    deleted = workspace.delete_message(CHANNEL, second)

    [message] = workspace.messages_in(CHANNEL)
    assert replaced and deleted
    assert message.text == "You said yes" and message.edited_ts is not None
    assert not workspace.replace_message(CHANNEL, second, text="gone", blocks=None)
    assert not workspace.delete_message(CHANNEL, second)
