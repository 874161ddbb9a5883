"""The Slack stand-in through the real slack_sdk client. The contract: arguments, tokens, scopes, bodies, blocks and the spec."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.standin import SlackStandin
from bot.standin.extract_spec import extract
from bot.standin.method_catalogue import load_catalogue
from tests.standin.workspace import CHANNEL, PARTICIPANT, refusal, section


# the contract
def test_missing_required_arguments_get_the_fitting_error(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.expect_problems()

    no_channel = refusal(slack_client.chat_postMessage, channel="", text="hello")
    with pytest.warns(UserWarning, match="top-level `text`"):
        no_text = refusal(slack_client.chat_postMessage, channel=CHANNEL)
    no_view = refusal(slack_client.api_call, "views.publish", json={"user_id": PARTICIPANT})

    assert no_channel.response["error"] == "channel_not_found"
    assert no_text.response["error"] == "no_text"
    assert no_view.response["error"] == "invalid_arguments"
    assert len(workspace.problems) == 3
    assert "without the required argument `channel`" in workspace.problems[0]


def test_unknown_argument_and_unknown_method(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.expect_problems()

    unknown_arg = refusal(slack_client.chat_postMessage, channel=CHANNEL, text="x", colour="red")
    unknown_method = refusal(slack_client.api_call, "chat.postMesage", json={"channel": CHANNEL})

    assert unknown_arg.response["error"] == "invalid_arg_name"
    assert unknown_method.response.status_code == 404
    assert unknown_method.response["error"] == "unknown_method"
    assert any("`colour`" in problem for problem in workspace.problems)


def test_tokens_are_checked(workspace: SlackStandin) -> None:
    workspace.expect_problems()

    anonymous = refusal(WebClient(base_url=workspace.api_url).auth_test)
    impostor = refusal(WebClient(token="xoxb-wrong", base_url=workspace.api_url).auth_test)
    in_form = WebClient(base_url=workspace.api_url).api_call(
        "auth.test", params={"token": workspace.bot_token}
    )
    app_token_for_chat = refusal(
        WebClient(token=workspace.app_token, base_url=workspace.api_url).chat_postMessage,
        channel=CHANNEL,
        text="x",
    )

    assert anonymous.response["error"] == "not_authed"
    assert impostor.response["error"] == "invalid_auth"
    assert in_form["user_id"] == "UBOT"
    assert app_token_for_chat.response["error"] == "not_allowed_token_type"


def test_scopes_can_be_enforced() -> None:
    with SlackStandin(scopes={"chat:write"}) as standin:
        standin.add_user(PARTICIPANT, name="Pat")
        client = WebClient(token=standin.bot_token, base_url=standin.api_url)

        client.auth_test()
        denied = refusal(client.users_info, user=PARTICIPANT)

        assert denied.response["error"] == "missing_scope"
        assert "users:read" in denied.response["needed"]


def test_reading_history_needs_the_scope_for_that_kind_of_conversation() -> None:
    with SlackStandin(scopes={"chat:write", "im:history"}) as standin:
        standin.add_channel("C0PUBLIC1", name="steering")
        standin.add_user(PARTICIPANT, name="Pat")
        client = WebClient(token=standin.bot_token, base_url=standin.api_url)
        dm = client.chat_postMessage(channel=PARTICIPANT, text="hello")["channel"]

        client.conversations_history(channel=dm)
        denied = refusal(client.conversations_history, channel="C0PUBLIC1")

        assert denied.response["error"] == "missing_scope"
        assert denied.response["needed"] == "channels:history"
        standin.expect_problems()


def test_form_and_json_bodies_are_both_accepted(workspace: SlackStandin) -> None:
    client = WebClient(token=workspace.bot_token, base_url=workspace.api_url)

    as_form = client.api_call("chat.postMessage", params={"channel": CHANNEL, "text": "form"})
    as_json = client.api_call("chat.postMessage", json={"channel": CHANNEL, "text": "json"})
    blocks_in_form = client.api_call(
        "chat.postMessage",
        params={"channel": CHANNEL, "text": "b", "blocks": json.dumps([section("in a form")])},
    )

    assert as_form["ok"] and as_json["ok"] and blocks_in_form["message"]["blocks"]


def test_team_id_is_accepted_everywhere_as_bolt_sends_it(workspace: SlackStandin) -> None:
    # Bolt gives every listener a WebClient(team_id=...), which adds team_id to every call.
    client = WebClient(token=workspace.bot_token, base_url=workspace.api_url, team_id="T0001")

    assert client.users_info(user=PARTICIPANT)["ok"]
    assert client.chat_postMessage(channel=CHANNEL, text="from a listener")["ok"]


# blocks
@pytest.mark.parametrize(
    ("blocks", "reason"),
    [
        ([section("x" * 3001)], "3000"),
        ([section(str(i)) for i in range(51)], "at most 50"),
        ([{"type": "sparkle"}], "unknown type"),
        ([{"type": "section", "txt": {"type": "mrkdwn", "text": "typo"}}], "text or fields"),
        ([{"type": "section", "text": "bare"}], "text object"),
        ([{**section("x"), "colour": "red"}], "colour"),
        (
            [{"type": "actions", "elements": [{"type": "buton", "action_id": "a"}]}],
            "unknown type 'buton'",
        ),
    ],
)
def test_invalid_blocks_are_refused(
    workspace: SlackStandin, slack_client: WebClient, blocks: list[dict[str, Any]], reason: str
) -> None:
    workspace.expect_problems()

    error = refusal(slack_client.chat_postMessage, channel=CHANNEL, text="fallback", blocks=blocks)

    assert error.response["error"] == "invalid_blocks"
    assert reason in workspace.problems[0]
    assert workspace.messages_in(CHANNEL) == []


def test_blocks_without_fallback_text_are_accepted_but_recorded(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.expect_problems()

    with pytest.warns(UserWarning, match="top-level `text`"):
        posted = slack_client.chat_postMessage(channel=CHANNEL, blocks=[section("no fallback")])

    assert posted["ok"]
    assert workspace.problems == [
        "chat.postMessage: blocks sent without a fallback `text` "
        "(used for notifications and screen readers)"
    ]


def test_bad_metadata_is_refused(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.expect_problems()

    error = refusal(
        slack_client.chat_postMessage, channel=CHANNEL, text="x", metadata={"event_payload": {}}
    )

    assert error.response["error"] == "invalid_metadata_format"


# spec
def test_extractor_applies_the_corrections() -> None:
    token = {"name": "token", "in": "header", "description": "Requires scope: `chat:write`"}
    spec = {
        "info": {"version": "1.7.0"},
        "paths": {
            "/views.open": {
                "get": {
                    "parameters": [
                        token,
                        {"name": "trigger_id", "in": "query", "required": True, "type": "string"},
                        {"name": "view", "in": "query", "required": True, "type": "string"},
                    ],
                    "responses": {"default": {"schema": {}}},
                    "security": [{"slackAuth": ["none"]}],
                }
            }
        },
    }

    table = extract(spec)["methods"]

    assert table["views.open"]["http_method"] == "POST"
    assert table["views.open"]["scopes"] == ["chat:write"]
    assert "interactivity_pointer" in table["views.open"]["args"]
    assert "exchanged_trigger_id" in table["views.open"]["errors"]
    assert {"files.getUploadURLExternal", "apps.connections.open"} <= set(table)


def test_bundled_method_table() -> None:
    catalogue = load_catalogue()

    assert len(catalogue) >= 177
    assert catalogue["chat.postMessage"].required == ("channel",)
    assert "metadata" in catalogue["chat.update"].args
    assert "include_all_metadata" in catalogue["conversations.history"].args
    assert catalogue["views.publish"].http_method == "POST"
    assert catalogue["apps.connections.open"].token_kind == "app"
