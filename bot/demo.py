"""`cohortbot demo`: the bot and a local Slack stand-in together, driven from the terminal.

No Slack workspace is needed: the stand-in plays Slack's Web API, and each line typed is sent to the
bot as a signed `/cohort` command from a demo coordinator, exactly as Slack would send it.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TextIO

from bot.core.settings import Settings
from bot.runtime import Runtime
from bot.slack.web import SLACK_PATH, RunningServer
from bot.standin import SlackStandin
from bot.standin.__main__ import seed_demo_workspace
from bot.standin.inbound import SlackSender

# A workspace admin in the demo workspace, and so a coordinator.
DEMO_USER = "U0ALAN"
OPENING_COMMANDS = ("help", "status")
REPLY_TIMEOUT_SECONDS = 15


def run_demo(settings: Settings, typed: Iterable[str], out: TextIO) -> None:
    """Serve the bot against a stand-in, send the opening commands and then each typed line."""
    signing_secret = secrets.token_hex(16)
    with SlackStandin("xoxb-demo") as standin:
        seed_demo_workspace(standin)
        runtime = Runtime.build(
            replace(
                settings,
                slack_bot_token=standin.bot_token,
                slack_signing_secret=signing_secret,
                slack_api_url=standin.api_url,
            )
        )
        runtime.prepare_database()
        server = RunningServer(runtime.wsgi_app(), port=settings.port).start()
        try:
            sender = SlackSender(server.url + SLACK_PATH, signing_secret, standin)
            print(f"cohortbot is serving {server.url}{SLACK_PATH}", file=out)
            print(
                f"Slack stand-in: {standin.api_url} (calls at {standin.base_url}/_standin/calls)",
                file=out,
            )
            print(
                "Type a /cohort command (e.g. 'status'); an empty line or Ctrl+D ends.\n", file=out
            )
            for text in (*OPENING_COMMANDS, *typed):
                if not text.strip():
                    break
                print(f"> /cohort {text.strip()}", file=out)
                print(reply_to(sender, standin, text.strip()), file=out, flush=True)
        finally:
            server.stop()
            runtime.engine.dispose()


def reply_to(sender: SlackSender, standin: SlackStandin, text: str) -> str:
    """Send one command and return the bot's reply as a terminal would show it."""
    result = sender.slash_command(DEMO_USER, text)
    if result.status != 200:
        return f"(the bot answered HTTP {result.status})"
    payload: dict[str, Any] | None = result.json() if result.body else None
    if not payload:

        def posted() -> dict[str, Any] | None:
            return next((p for url, p in standin.responses if url == result.response_url), None)

        payload = standin.wait_for(posted, timeout=REPLY_TIMEOUT_SECONDS)
        assert payload is not None  # wait_for raises rather than return a falsy result
    return html.unescape(str(payload["text"])) + "\n"
