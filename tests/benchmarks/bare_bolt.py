"""A bare Bolt app, the ack benchmark's reference: the same requests, no database, no copy.

    python -m tests.benchmarks.bare_bolt PORT SIGNING_SECRET SLACK_API_URL BOT_TOKEN

It answers `/cohort` inside the acknowledgement, publishes a one-section Home tab when it is opened
and replaces a reminder's message when a button is clicked: one Web API call or response_url post
for each, under the same waitress server and threads as `cohortbot serve`, with Bolt's defaults.
"""

from __future__ import annotations

import sys
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.slack.web import serve_forever


def bare_app(signing_secret: str, api_url: str, token: str) -> App:
    """The reference app."""
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        name="bare",
    )

    @app.command("/cohort")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"You typed {command.get('text', '')!r}.")

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        view = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello."}}],
        }
        client.views_publish(user_id=event["user"], view=view)

    @app.action("rsvp.attending")
    def click(ack: Ack, respond: Respond) -> None:
        ack()
        respond(replace_original=True, text="Thank you: you said you'll be there.")

    return app


def main(argv: list[str]) -> None:
    """Serve the bare app on loopback."""
    port, secret, api_url, token = argv
    serve_forever(SlackRequestHandler(bare_app(secret, api_url, token)), int(port), "127.0.0.1")


if __name__ == "__main__":
    main(sys.argv[1:])
