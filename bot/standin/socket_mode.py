"""The stand-in's Socket Mode server: hands envelopes to a connected app and collects its acks.

`websockets` is only a test dependency, so it is imported when Socket Mode is first used.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from bot.standin.block_validation import check_message_blocks

if TYPE_CHECKING:
    from websockets.http11 import Request, Response
    from websockets.sync.server import Server, ServerConnection

ACK_DEADLINE_SECONDS = 3.0
# slack_sdk's built-in client blocks in recv() for up to 3 s and only notices it has been closed
# when that returns; frequent pings wake it, so closing a Bolt handler takes a fraction of that.
PING_INTERVAL_SECONDS = 0.2
ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})


class SocketModeServer:
    """A loopback WebSocket server speaking Slack's Socket Mode protocol to one app."""

    def __init__(
        self,
        *,
        app_id: str,
        record_ack: Callable[[dict[str, Any]], None],
        note_problem: Callable[[str], None],
    ) -> None:
        self._app_id = app_id
        self._record_ack = record_ack
        self._note_problem = note_problem
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen on a free loopback port in a background thread."""
        from websockets.sync.server import serve

        self._server = serve(
            self._serve_connection,
            "127.0.0.1",
            0,
            process_request=self._admit,
            compression=None,
            ping_interval=PING_INTERVAL_SECONDS,
            ping_timeout=20,
            close_timeout=2,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-standin-socket-mode", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        assert self._server is not None, "the Socket Mode server has not been started"
        return int(self._server.socket.getsockname()[1])

    def issue_url(self) -> str:
        """Return a one-time connection URL, as apps.connections.open does."""
        ticket = uuid.uuid4().hex
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self._app_id}"

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake unless it presents an unused ticket."""
        tickets = parse_qs(urlsplit(request.path).query).get("ticket", [])
        with self._changed:
            if tickets and tickets[0] in self._tickets:
                self._tickets.discard(tickets[0])
                return None
        return connection.respond(403, "Unknown or already used Socket Mode ticket\n")

    def _serve_connection(self, connection: ServerConnection) -> None:
        """Greet the app, then collect its acknowledgements until it goes away."""
        from websockets.exceptions import ConnectionClosed

        hello = {
            "type": "hello",
            "num_connections": len(self._connections) + 1,
            "debug_info": {"host": "slack-standin", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self._app_id},
        }
        try:
            connection.send(json.dumps(hello))
            with self._changed:
                self._connections.append(connection)
                self._changed.notify_all()
            for frame in connection:
                self._receive(frame)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._changed.notify_all()

    def _receive(self, frame: str | bytes) -> None:
        """Record an acknowledgement; anything else from the app is a protocol problem."""
        try:
            message = json.loads(frame)
        except ValueError:
            self._note_problem(
                f"Socket Mode: the app sent a frame that is not JSON: {frame!r:.200}"
            )
            return
        if not isinstance(message, dict) or "envelope_id" not in message:
            self._note_problem(
                f"Socket Mode: the app sent something other than an ack: {message!r:.200}"
            )
            return
        payload = message.get("payload")
        if isinstance(payload, dict) and payload.get("blocks"):
            rejection = check_message_blocks(payload["blocks"])
            if rejection is not None:
                self._note_problem(f"Socket Mode ack: {rejection.error}: {rejection.reason}")
        self._record_ack(message)
        with self._changed:
            self._acks[str(message["envelope_id"])] = message
            self._changed.notify_all()

    def send(self, type_: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Deliver one envelope to the connected app and return its acknowledgement."""
        if type_ not in ENVELOPE_TYPES:
            raise ValueError(
                f"envelope type must be one of {sorted(ENVELOPE_TYPES)}, not {type_!r}"
            )
        started = time.monotonic()
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._connections), timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout} s")
            connection = self._connections[-1]
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            # Slack lets the ack carry a response only for commands and interactions.
            "accepts_response_payload": type_ != "events_api",
        }
        if type_ == "events_api":
            envelope.update({"retry_attempt": 0, "retry_reason": ""})
        sent_at = time.monotonic()
        connection.send(json.dumps(envelope))
        remaining = max(0.0, timeout - (time.monotonic() - started))
        with self._changed:
            ack = self._changed.wait_for(lambda: self._acks.pop(envelope_id, None), remaining)
        if ack is None:
            raise AssertionError(
                f"the app did not acknowledge the {type_} envelope within {timeout} s "
                "(Bolt sends no ack for a request that no listener handles)"
            )
        took = time.monotonic() - sent_at
        if took > ACK_DEADLINE_SECONDS:
            self._note_problem(
                f"Socket Mode: {type_} envelope acknowledged after {took:.1f} s; "
                f"Slack gives up after {ACK_DEADLINE_SECONDS:.0f} s"
            )
        return ack

    def ask_to_reconnect(self) -> None:
        """Send Slack's `disconnect` message, which tells the app to fetch a new URL."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            connection.send(json.dumps({"type": "disconnect", "reason": "refresh_requested"}))

    def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
