"""A request on Slack's Request URL, read once: its body, checked against Slack's signature, parsed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

# The headers a listener or Bolt's middleware reads once the signature has been checked.
KEPT_HEADERS = ("content-type", "x-slack-retry-num", "x-slack-retry-reason")


@dataclass(frozen=True)
class SignedRequest:
    """A request Slack signed, as text and as Bolt parses it."""

    text: str
    body: dict[str, Any]
    headers: dict[str, str]


def read_signed(environ: WSGIEnvironment, verifier: SignatureVerifier) -> SignedRequest | None:
    """The request if Slack signed it and it parses as Slack's do; None to leave it to Bolt.

    The body stays readable for Bolt, which answers an unsigned or unreadable request as it
    always has (a 401, say).
    """
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        if b"\x00" in raw or not verifier.is_valid(
            raw,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        ):
            return None
        text = raw.decode()
        content_type = environ.get("CONTENT_TYPE", "")
        body = parse_body(text, content_type)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    if not isinstance(body, dict):
        return None
    headers = {"content-type": content_type}
    for name in KEPT_HEADERS[1:]:
        key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:
            headers[name] = environ[key]
    return SignedRequest(text=text, body=body, headers=headers)
