"""The Slack stand-in, exercised through the real slack_sdk WebClient (and Bolt for Socket Mode)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.standin import SlackStandin
from bot.standin.extract_spec import extract
from bot.standin.method_catalogue import load_catalogue

PARTICIPANT = "U0PART01"
CHANNEL = "C0COHORT"


def section(text: str) -> dict[str, Any]:
    """A section block with mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]], title: str = "Check-in") -> dict[str, Any]:
    """A modal view."""
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks}


def refusal(call: Any, *args: Any, **kwargs: Any) -> SlackApiError:
    """Call a WebClient method expecting Slack to refuse it; return the error."""
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def workspace(standin: SlackStandin) -> SlackStandin:
    """The stand-in with one participant and one cohort channel."""
    standin.add_user(PARTICIPANT, name="Pat", email="Pat@Example.org", tz="Asia/Kolkata")
    standin.add_channel(CHANNEL, name="cohort-1", members=[PARTICIPANT])
    return standin


# ------------------------------------------------------------------------------- messages
def test_post_update_and_history_keep_metadata(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    metadata = {"event_type": "checkin_sent", "event_payload": {"cohort": 1}}

    posted = slack_client.chat_postMessage(
        channel=CHANNEL, text="Week 1", blocks=[section("*Week 1*")], metadata=metadata
    )
    slack_client.chat_update(channel=CHANNEL, ts=posted["ts"], text="Week 1 (edited)")
    with_metadata = slack_client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    without = slack_client.conversations_history(channel=CHANNEL)

    [message] = with_metadata["messages"]
    assert message["ts"] == posted["ts"] and message["text"] == "Week 1 (edited)"
    assert message["metadata"] == metadata
    assert message["blocks"] == [
        section("*Week 1*")
    ]  # chat.update kept the blocks it was not given
    assert "metadata" not in without["messages"][0]
    assert workspace.messages_in(CHANNEL)[0].metadata == metadata


def test_timestamps_increase_and_history_pages(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    stamps = [slack_client.chat_postMessage(channel=CHANNEL, text=f"m{i}")["ts"] for i in range(5)]

    window = slack_client.conversations_history(
        channel=CHANNEL, oldest=stamps[0], latest=stamps[4], limit=2
    )
    rest = slack_client.conversations_history(
        channel=CHANNEL,
        oldest=stamps[0],
        latest=stamps[4],
        cursor=window["response_metadata"]["next_cursor"],
    )

    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5
    assert [m["text"] for m in window["messages"]] == ["m3", "m2"] and window["has_more"]
    assert [m["text"] for m in rest["messages"]] == ["m1"] and not rest["has_more"]


def test_state_errors(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.add_channel("C0OLD", name="old-cohort", is_archived=True)
    workspace.add_user("U0GONE", name="gone", deleted=True)
    gone_im = slack_client.conversations_open(users="U0GONE")["channel"]["id"]

    assert gone_im == "D0GONE" == workspace.im_channel_id("U0GONE")
    assert refusal(slack_client.chat_postMessage, channel="C0NOPE", text="x").response["error"] == (
        "channel_not_found"
    )
    assert refusal(slack_client.chat_postMessage, channel="C0OLD", text="x").response["error"] == (
        "is_archived"
    )
    assert refusal(slack_client.chat_postMessage, channel=gone_im, text="x").response["error"] == (
        "account_inactive"
    )
    assert refusal(slack_client.chat_update, channel=CHANNEL, ts="1.000100", text="x").response[
        "error"
    ] == ("message_not_found")
    assert refusal(slack_client.users_info, user="U0NOBODY").response["error"] == "user_not_found"
    assert refusal(slack_client.users_lookupByEmail, email="x@example.org").response["error"] == (
        "users_not_found"
    )
    assert not workspace.problems  # legitimate refusals are not contract problems


def test_users_and_direct_messages(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.add_user("U0ADMIN", name="Alex", is_admin=True, email="alex@example.org")

    user = slack_client.users_info(user=PARTICIPANT)["user"]
    found = slack_client.users_lookupByEmail(email="pat@example.org")["user"]
    im = slack_client.conversations_open(users=PARTICIPANT)["channel"]["id"]
    again = slack_client.conversations_open(users=PARTICIPANT)
    slack_client.chat_postMessage(channel=PARTICIPANT, text="Hello")  # a user id posts to the IM

    assert (user["tz"], user["tz_offset"], user["is_admin"], user["deleted"]) == (
        "Asia/Kolkata",
        19800,
        False,
        False,
    )
    assert user["profile"]["email"] == "Pat@Example.org" and found["id"] == PARTICIPANT
    assert slack_client.users_info(user="U0ADMIN")["user"]["is_admin"] is True
    assert im == "D0PART01" and again["channel"]["id"] == im and again["already_open"]
    assert [m.text for m in workspace.messages_in(im)] == ["Hello"]
    info = slack_client.conversations_info(channel=im)["channel"]
    assert info["is_im"] and info["user"] == PARTICIPANT


def test_ephemeral_and_delete(workspace: SlackStandin, slack_client: WebClient) -> None:
    posted = slack_client.chat_postMessage(channel=CHANNEL, text="temporary")

    slack_client.chat_postEphemeral(channel=CHANNEL, user=PARTICIPANT, text="only you")
    slack_client.chat_delete(channel=CHANNEL, ts=posted["ts"])
    outsider = refusal(slack_client.chat_postEphemeral, channel=CHANNEL, user="U0OUT", text="x")

    assert workspace.ephemeral_messages[0]["user"] == PARTICIPANT
    assert workspace.messages_in(CHANNEL) == []
    assert outsider.response["error"] == "user_not_in_channel"


# ------------------------------------------------------------------------- the contract
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


# ------------------------------------------------------------------------------- blocks
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


# -------------------------------------------------------------------------------- views
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


# --------------------------------------------------------------------- failure injection
def test_rate_limit_retry_after_is_honoured(workspace: SlackStandin) -> None:
    client = WebClient(
        token=workspace.bot_token,
        base_url=workspace.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    workspace.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()

    posted = client.chat_postMessage(channel=CHANNEL, text="after a wait")

    assert posted["ok"] and time.monotonic() - started >= 1.0
    assert [call.status for call in workspace.calls_to("chat.postMessage")] == [429, 200]


def test_rate_limit_answer_without_a_retry_handler(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.fail_next("users.info", retry_after=7)

    error = refusal(slack_client.users_info, user=PARTICIPANT)

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response.data == {"ok": False, "error": "ratelimited"}


def test_configured_rate_limit(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.set_rate_limit("conversations.open", per_minute=2)

    slack_client.conversations_open(users=PARTICIPANT)
    slack_client.conversations_open(users=PARTICIPANT)
    limited = refusal(slack_client.conversations_open, users=PARTICIPANT)

    assert limited.response.status_code == 429
    assert 55 <= int(limited.response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_come_back_as_html(
    workspace: SlackStandin, slack_client: WebClient, status: int
) -> None:
    workspace.fail_next("chat.postMessage", status=status)

    error = refusal(slack_client.chat_postMessage, channel=CHANNEL, text="x")

    assert error.response.status_code == status
    assert "non-JSON" in error.response["error"]
    assert slack_client.chat_postMessage(channel=CHANNEL, text="fine now")["ok"]


def test_ok_false_with_status_200(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.fail_next("users.info", status=200, error="fatal_error", times=2)

    first = refusal(slack_client.users_info, user=PARTICIPANT)
    second = refusal(slack_client.users_info, user=PARTICIPANT)

    assert first.response.status_code == 200 and first.response["error"] == "fatal_error"
    assert second.response["error"] == "fatal_error"
    assert slack_client.users_info(user=PARTICIPANT)["ok"]


def test_dropped_connection_is_retried(workspace: SlackStandin) -> None:
    client = WebClient(
        token=workspace.bot_token,
        base_url=workspace.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
    workspace.drop_connection_next("users.info")

    user = client.users_info(user=PARTICIPANT)

    assert user["ok"]
    assert [call.status for call in workspace.calls_to("users.info")] == [0, 200]


def test_dropped_connection_without_retries_raises(workspace: SlackStandin) -> None:
    client = WebClient(token=workspace.bot_token, base_url=workspace.api_url, retry_handlers=[])
    workspace.drop_connection_next("users.info")

    with pytest.raises(ConnectionError):
        client.users_info(user=PARTICIPANT)


def test_delay_slows_a_method_down(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.delay("users.info", 0.3)
    started = time.monotonic()

    slack_client.users_info(user=PARTICIPANT)

    assert time.monotonic() - started >= 0.3


def test_stub_answers_a_method_the_stand_in_does_not_simulate(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.stub("reactions.add", {"ok": True})

    assert slack_client.reactions_add(channel=CHANNEL, name="tada", timestamp="1.000100")["ok"]


def test_unsimulated_method_is_a_problem(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.expect_problems()

    error = refusal(slack_client.pins_add, channel=CHANNEL, timestamp="1.000100")

    assert error.response["error"] == "standin_not_implemented"
    assert "does not simulate" in workspace.problems[0]


# -------------------------------------------------------------------------------- files
def test_files_upload_v2_end_to_end(workspace: SlackStandin, slack_client: WebClient) -> None:
    uploaded = slack_client.files_upload_v2(
        content=b"name,week\nPat,1\n",
        filename="attendance.csv",
        title="Attendance",
        alt_txt="Attendance by week",
        channel=CHANNEL,
        initial_comment="This week's attendance",
    )

    [stored] = workspace.files.values()
    assert uploaded["file"]["id"] == stored.id
    assert (stored.content, stored.filename, stored.title, stored.alt_txt, stored.channels) == (
        b"name,week\nPat,1\n",
        "attendance.csv",
        "Attendance",
        "Attendance by week",
        [CHANNEL],
    )
    [message] = workspace.messages_in(CHANNEL)
    assert message.text == "This week's attendance" and message.files
    assert message.files[0]["id"] == stored.id


# ------------------------------------------------------------------------- response_url
def test_response_url_records_posts_and_allows_five(workspace: SlackStandin) -> None:
    workspace.expect_problems()
    url = workspace.response_url()
    webhook = WebhookClient(url)

    answers = [webhook.send(text=f"reply {i}").status_code for i in range(6)]

    assert answers == [200, 200, 200, 200, 200, 404]
    assert [payload["text"] for _, payload in workspace.responses] == [
        f"reply {i}" for i in range(5)
    ]
    assert all(recorded_url == url for recorded_url, _ in workspace.responses)
    assert workspace.problems == ["response_url used a 6th time; Slack allows 5"]


def test_response_url_checks_blocks(workspace: SlackStandin) -> None:
    workspace.expect_problems()

    answer = WebhookClient(workspace.response_url()).send(
        text="fallback", blocks=[section("x" * 3001)]
    )

    assert answer.status_code == 400 and workspace.responses == []
    assert "invalid_blocks" in workspace.problems[0]


# ---------------------------------------------------------------------------- waiting
def test_wait_for_sees_asynchronous_calls(workspace: SlackStandin, slack_client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.2)
        slack_client.chat_postMessage(channel=CHANNEL, text="eventually")

    worker = threading.Thread(target=later)
    worker.start()

    call = workspace.wait_for("chat.postMessage")
    by_predicate = workspace.wait_for(lambda c: c.args.get("text") == "eventually")
    by_condition = workspace.wait_for(lambda: workspace.messages_in(CHANNEL))
    worker.join()

    assert call is by_predicate and call.ok and call.args["channel"] == CHANNEL
    assert by_condition[0].text == "eventually"


def test_wait_for_times_out_with_what_was_seen(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    slack_client.auth_test()

    with pytest.raises(AssertionError, match=r"auth\.test -> 200 ok"):
        workspace.wait_for("chat.postMessage", timeout=0.1)


def test_calls_are_readable_over_http(workspace: SlackStandin, slack_client: WebClient) -> None:
    slack_client.chat_postMessage(channel=CHANNEL, text="visible")

    with urllib.request.urlopen(workspace.base_url + "/_standin/calls") as answer:
        seen = json.load(answer)

    assert seen["calls"][0]["method"] == "chat.postMessage"
    assert seen["calls"][0]["args"]["text"] == "visible"


def test_answered_errors_are_documented_for_their_method(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.expect_problems()
    attempts: list[tuple[Callable[..., Any], dict[str, Any]]] = [
        (slack_client.chat_postMessage, {"channel": "C0NOPE", "text": "x"}),
        (slack_client.chat_postMessage, {"channel": CHANNEL, "text": "x", "blocks": [{}]}),
        (slack_client.chat_update, {"channel": CHANNEL, "ts": "1.1", "text": "x"}),
        (slack_client.conversations_history, {"channel": "C0NOPE"}),
        (slack_client.users_info, {"user": "U0NOBODY"}),
        (slack_client.views_open, {"trigger_id": "nope", "view": modal([section("x")])}),
        (slack_client.views_update, {"view_id": "V0NOPE", "view": modal([section("x")])}),
        (slack_client.apps_connections_open, {"app_token": "xapp-wrong"}),
    ]
    for method, kwargs in attempts:
        refusal(method, **kwargs)

    catalogue = load_catalogue()
    for call in workspace.calls:
        assert call.error in catalogue[call.method].errors, (call.method, call.error)


# ------------------------------------------------------------------------------- spec
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


# -------------------------------------------------------------------------- Socket Mode
def test_socket_mode_round_trip_with_bolt(workspace: SlackStandin) -> None:
    app = App(
        client=WebClient(token=workspace.bot_token, base_url=workspace.api_url),
        signing_secret="not-used-in-socket-mode",
    )

    @app.command("/cohort")
    def cohort(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"Working on `{command['text']}`…")

    @app.event("app_home_opened")
    def home_opened(ack: Ack) -> None:
        ack()

    handler = SocketModeHandler(app, workspace.app_token)
    handler.connect()  # type: ignore[no-untyped-call]
    try:
        ack = workspace.socket_mode_send(
            "slash_commands",
            workspace.slash_command(
                "/cohort", user_id=PARTICIPANT, channel_id=CHANNEL, text="status"
            ),
        )
        event_ack = workspace.socket_mode_send(
            "events_api", workspace.event({"type": "app_home_opened", "user": PARTICIPANT})
        )
    finally:
        handler.close()  # type: ignore[no-untyped-call]

    assert ack["payload"] == {"text": "Working on `status`…"}
    assert set(event_ack) == {"envelope_id"}
    assert workspace.socket_mode_acks == [ack, event_ack]
    assert workspace.calls_to("apps.connections.open")[0].ok


def test_socket_mode_needs_the_app_token(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.expect_problems()

    error = refusal(slack_client.apps_connections_open, app_token=workspace.bot_token)

    assert error.response["error"] == "not_allowed_token_type"


# -------------------------------------------------------------------------------- demo
def test_command_line_runs_a_demo_server() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.standin", "--port", "0", "--token", "xoxb-demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        api_url = first_line.rsplit(" ", 1)[1].strip()
        client = WebClient(token="xoxb-demo", base_url=api_url)
        assert client.users_lookupByEmail(email="ada@example.org")["user"]["name"] == "ada"
    finally:
        process.terminate()
        process.communicate(timeout=5)
