"""Files members share with the bot: files.info and the private download URL on the stand-in."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.files import fetch_csv
from bot.standin import SlackStandin

MEMBER = "U0MEMBER"
CONTENT = b"name,email\nPat,pat@example.org\n"


@pytest.fixture
def shared(standin: SlackStandin) -> str:
    standin.add_user(MEMBER, name="member", email="member@example.org")
    return standin.share_file(MEMBER, filename="people.csv", content=CONTENT)


def get(url: str, token: str | None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_files_info_describes_a_shared_file(
    standin: SlackStandin, slack_client: WebClient, shared: str
) -> None:
    file = slack_client.files_info(file=shared)["file"]

    assert shared.startswith("F")
    assert (file["id"], file["name"], file["filetype"], file["size"], file["user"]) == (
        shared,
        "people.csv",
        "csv",
        len(CONTENT),
        MEMBER,
    )
    prefix = f"{standin.base_url}/files-pri/{standin.workspace.team_id}-{shared}"
    assert file["url_private"] == f"{prefix}/people.csv"
    assert file["url_private_download"] == f"{prefix}/download/people.csv"
    assert file["channels"] == [standin.im_channel_id(MEMBER)]
    # Shared like a real file share: a message from the member in their DM with the bot.
    (message,) = standin.messages_in(standin.im_channel_id(MEMBER))
    assert message.user == MEMBER and message.files and message.files[0]["id"] == shared


def test_the_download_needs_the_bot_token(
    standin: SlackStandin, slack_client: WebClient, shared: str
) -> None:
    url = slack_client.files_info(file=shared)["file"]["url_private_download"]

    assert get(url, standin.bot_token) == (200, CONTENT)
    status, body = get(url, None)
    assert status == 403 and b"<html" in body
    assert get(url, "xoxb-someone-else")[0] == 403
    assert [(d.file_id, d.authorised) for d in standin.downloads] == [
        (shared, True),
        (shared, False),
        (shared, False),
    ]


def test_the_bot_fetches_a_shared_csv(slack_client: WebClient, shared: str) -> None:
    fetched = fetch_csv(slack_client, shared)

    assert (fetched.id, fetched.name, fetched.text) == (shared, "people.csv", CONTENT.decode())


def test_an_unknown_file_id_is_file_not_found(
    standin: SlackStandin, slack_client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as refused:
        slack_client.files_info(file="F0NOPE")

    assert refused.value.response["error"] == "file_not_found"
    assert (
        get(f"{standin.base_url}/files-pri/T0001-F0NOPE/download/x.csv", standin.bot_token)[0]
        == 404
    )


def test_the_file_shared_event_is_slacks_shape(standin: SlackStandin, shared: str) -> None:
    event = standin.file_shared_event(shared)

    assert event["type"] == "file_shared" and event["file_id"] == shared
    assert event["user_id"] == MEMBER and event["file"] == {"id": shared}
    assert event["channel_id"] == standin.im_channel_id(MEMBER) and event["event_ts"]
