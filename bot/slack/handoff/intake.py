"""The web process's side: acknowledge a request the worker can serve by storing it as received."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltResponse
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import Clock
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import Received, hand_off_all, in_transaction
from bot.slack.handoff.together import WrittenTogether
from bot.slack.signed_request import SignedRequest

if TYPE_CHECKING:
    from wsgiref.types import StartResponse

logger = logging.getLogger(__name__)

# A parsed request's acknowledgement when it is known before its work, else None.
HandsOff = Callable[[dict[str, Any]], BoltResponse | None]


class HandOffIntake:
    """Stores the requests `hands_off` accepts and acknowledges them; leaves the rest to Bolt."""

    def __init__(
        self,
        *,
        engine: Engine,
        hands_off: HandsOff,
        doorbell: Doorbell,
        clock: Clock,
    ) -> None:
        self._hands_off = hands_off
        self._doorbell = doorbell
        self._clock = clock
        # SQLite has one writer at a time, and a connection that finds the database locked
        # sleeps 1, 2, 5, 10... ms before trying again: the web process's own writers queue
        # here instead, and the requests that arrived meanwhile are written in one transaction.
        self._store = WrittenTogether[Received](
            lambda requests: in_transaction(
                engine, lambda connection: hand_off_all(connection, requests)
            )
        )

    def take(self, request: SignedRequest, start_response: StartResponse) -> Iterable[bytes] | None:
        """The acknowledgement if this signed request was handed off; None to let Bolt answer it.

        A request the worker cannot serve, or a database that does not answer, goes to Bolt.
        """
        acknowledgement = self._hands_off(request.body)
        if acknowledgement is None:
            return None
        try:
            self._store.write(Received(request.text, request.headers, self._clock()))
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
