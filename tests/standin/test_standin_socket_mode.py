"""The Slack stand-in through the real slack_sdk client. Socket Mode through Bolt, and the stand-in as a command-line demo server."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.standin import SlackStandin
from tests.standin.workspace import CHANNEL, PARTICIPANT, refusal


# Socket Mode
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


# demo
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
