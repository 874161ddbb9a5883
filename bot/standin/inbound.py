"""Slack's side of inbound traffic: requests signed exactly as Slack signs them, sent to a bot.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 under the app's signing secret and sends
`X-Slack-Signature: v0=<hex>` and `X-Slack-Request-Timestamp`. Slash commands and interactions
are form-encoded (interactions as a `payload` field holding JSON); events are JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.standin.standin import SlackStandin

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Slack-Signature` value for `body` sent at `timestamp`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class InboundResult:
    """The bot's HTTP answer to one request, and how long it took to come."""

    status: int
    body: bytes
    seconds: float
    # Where the bot may answer a slash command later; the stand-in records what arrives there.
    response_url: str | None = None
    content_type: str = ""

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class SlackSender:
    """Sends signed slash commands, interactions and events, shaped by `workspace`, to a bot."""

    def __init__(
        self,
        request_url: str,
        signing_secret: str,
        workspace: SlackStandin,
        *,
        epoch_seconds: Callable[[], float] = time.time,
    ) -> None:
        self.request_url = request_url
        self.signing_secret = signing_secret
        self.workspace = workspace
        self._epoch_seconds = epoch_seconds

    def slash_command(
        self, user_id: str, text: str, *, command: str = "/cohort", channel_id: str = "C0GENERAL"
    ) -> InboundResult:
        """Send a slash command as `user_id` typed it."""
        fields = self.workspace.slash_command(
            command, user_id=user_id, channel_id=channel_id, text=text
        )
        result = self.post(urllib.parse.urlencode(fields).encode(), FORM)
        return replace(result, response_url=fields["response_url"])

    def interaction(self, payload: Mapping[str, Any]) -> InboundResult:
        """Send a block action, view submission or similar interaction payload.

        A view submission's answer is applied to the open view, as Slack would apply it.
        """
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        result = self.post(body, FORM)
        if payload.get("type") == "view_submission" and result.status == 200 and result.body:
            answer = result.json()
            if isinstance(answer, dict):
                self.workspace.answer_submission(str(payload["view"]["id"]), answer)
        return result

    def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> InboundResult:
        """Send an Events API callback; a retry repeats the `event_id` with retry headers."""
        envelope = self.workspace.event(dict(event))
        if event_id is not None:
            envelope["event_id"] = event_id
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope).encode(), JSON, extra_headers=headers)

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature_value: str | None = None,
        signed: bool = True,
        extra_headers: Mapping[str, str] | None = None,
    ) -> InboundResult:
        """POST `body`, signed unless told otherwise (tests use the overrides to forge requests)."""
        stamp = timestamp or str(int(self._epoch_seconds()))
        headers = {"Content-Type": content_type, **(extra_headers or {})}
        if signed:
            headers["X-Slack-Request-Timestamp"] = stamp
            headers["X-Slack-Signature"] = signature_value or signature(
                self.signing_secret, stamp, body
            )
        request = urllib.request.Request(
            self.request_url, data=body, headers=headers, method="POST"
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return InboundResult(
                    response.status,
                    response.read(),
                    time.monotonic() - started,
                    content_type=response.headers.get("Content-Type", ""),
                )
        except urllib.error.HTTPError as error:
            return InboundResult(
                error.code,
                error.read(),
                time.monotonic() - started,
                content_type=error.headers.get("Content-Type", ""),
            )
