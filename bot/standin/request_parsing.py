"""Reading Web API arguments from a query string and a form, multipart or JSON body."""

from __future__ import annotations

import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl


class BodyError(Exception):
    """A body Slack would refuse; `error` is Slack's code for it."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def media_type(content_type: str | None) -> str:
    """Return the bare media type of a Content-Type header, lower-cased."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _form(text: str) -> dict[str, Any]:
    return dict(parse_qsl(text, keep_blank_values=True))


def multipart_fields(content_type: str, body: bytes) -> dict[str, Any]:
    """Split a multipart/form-data body: text fields become str, file fields stay bytes."""
    envelope = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    message = BytesParser(policy=HTTP).parsebytes(envelope)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        is_file = part.get_param("filename", header="content-disposition") is not None
        fields[name] = data if is_file else data.decode("utf-8")
    return fields


def parse_arguments(query: str, content_type: str | None, body: bytes) -> dict[str, Any]:
    """Merge query-string and body arguments; the body wins where both name an argument."""
    args = _form(query)
    if not body:
        return args
    kind = media_type(content_type)
    if kind == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8"))
        except ValueError as error:
            raise BodyError("invalid_json", f"the JSON body does not parse: {error}") from error
        if not isinstance(decoded, dict):
            raise BodyError("json_not_object", "the JSON body is not an object")
        args.update(decoded)
    elif kind in ("application/x-www-form-urlencoded", "text/plain", ""):
        try:
            args.update(_form(body.decode("utf-8")))
        except UnicodeDecodeError as error:
            raise BodyError("invalid_charset", "the form body is not UTF-8") from error
    elif kind == "multipart/form-data":
        try:
            args.update(multipart_fields(content_type or "", body))
        except (ValueError, UnicodeDecodeError) as error:
            raise BodyError(
                "invalid_form_data", f"the multipart body does not parse: {error}"
            ) from error
    else:
        raise BodyError("invalid_post_type", f"Slack does not accept Content-Type {kind}")
    return args
