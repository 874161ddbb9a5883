"""The Slack stand-in through the real slack_sdk client. Messages: posting, updating, history, users and DMs."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.standin import SlackStandin
from tests.standin.workspace import CHANNEL, PARTICIPANT, refusal, section


# messages
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
