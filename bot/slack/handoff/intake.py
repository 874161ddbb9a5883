"""The web process's side: acknowledge a request the worker can serve by storing it as received."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltResponse
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import Clock
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import KEPT_HEADERS, hand_off, in_transaction

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

# A parsed request's acknowledgement when it is known before its work, else None.
HandsOff = Callable[[dict[str, Any]], BoltResponse | None]


class HandOffIntake:
    """Stores the requests `hands_off` accepts and acknowledges them; leaves the rest to Bolt."""

    def __init__(
        self,
        *,
        engine: Engine,
        signing_secret: str,
        hands_off: HandsOff,
        doorbell: Doorbell,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._verifier = SignatureVerifier(signing_secret)
        self._hands_off = hands_off
        self._doorbell = doorbell
        self._clock = clock
        # SQLite has one writer at a time, and a connection that finds the database locked
        # sleeps 1, 2, 5, 10... ms before trying again: the web process's own writers queue
        # here instead, each woken the moment the one before is done.
        self._one_writer: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def take(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes] | None:
        """The acknowledgement if this request was handed off; None to let Bolt answer it.

        Anything unusual (a bad signature, a body that is not Slack's, a database that does not
        answer) goes to Bolt, which answers it as it always has.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        raw = environ["wsgi.input"].read(length)
        # Bolt reads the body again if it gets the request.
        environ["wsgi.input"] = io.BytesIO(raw)
        headers = {
            "content-type": environ.get("CONTENT_TYPE", ""),
            **{
                name: environ[key]
                for name in KEPT_HEADERS[1:]
                if (key := "HTTP_" + name.upper().replace("-", "_")) in environ
            },
        }
        try:
            if b"\x00" in raw or not self._verifier.is_valid(
                raw,
                environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                environ.get("HTTP_X_SLACK_SIGNATURE", ""),
            ):
                return None
            body = raw.decode()
            acknowledgement = self._hands_off(parse_body(body, headers["content-type"]))
            if acknowledgement is None:
                return None
        except (ValueError, TypeError, AttributeError, KeyError):
            return None
        try:
            received_at = self._clock()
            with self._one_writer:
                in_transaction(
                    self._engine,
                    lambda connection: hand_off(connection, body, headers, received_at),
                )
        except SQLAlchemyError as error:
            logger.warning(
                "could not hand a request off, serving it here: %s", type(error).__name__
            )
            return None
        self._doorbell.ring()
        # Written as Bolt's WSGI adapter writes its responses, headers and all.
        response = WsgiHttpResponse(
            acknowledgement.status, acknowledgement.headers, acknowledgement.body
        )
        start_response(response.status, response.get_headers())
        return response.get_body()
