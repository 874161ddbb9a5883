"""The loopback HTTP server: routes requests to the Dispatcher and writes its answers."""

from __future__ import annotations

import contextlib
import logging
import socket
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bot.standin.dispatch import Answer, Dispatcher

logger = logging.getLogger(__name__)


class StandinHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its Dispatcher."""

    daemon_threads = True
    # Tests start and stop many servers; do not let a lingering socket block the next port.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher) -> None:
        super().__init__(address, StandinRequestHandler)
        self.dispatcher = dispatcher


class StandinRequestHandler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/<file>, /files-pri/<file>, /response/<token>, /_standin/calls."""

    server: StandinHTTPServer
    server_version = "slack-standin"

    def do_GET(self) -> None:
        """Serve GET requests (Slack accepts GET for read methods too)."""
        self._serve()

    def do_POST(self) -> None:
        """Serve POST requests."""
        self._serve()

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            answer = self._answer()
        except Exception:  # a stand-in bug must surface as a test failure, not a hung client
            self.server.dispatcher.note_problem(
                f"stand-in crashed on {self.command} {self.path}:\n{traceback.format_exc()}"
            )
            answer = Answer.json(500, {"ok": False, "error": "fatal_error"})
        self._write(answer)

    def _answer(self) -> Answer:
        parts = urlsplit(self.path)
        path = parts.path
        body = self._body()
        dispatcher = self.server.dispatcher
        content_type = self.headers.get("Content-Type")
        if path.startswith("/api/"):
            headers = {key.lower(): value for key, value in self.headers.items()}
            answer = dispatcher.answer_api(path.removeprefix("/api/"), headers, parts.query, body)
        elif path.startswith("/upload/") and self.command == "POST":
            answer = dispatcher.answer_upload(path.removeprefix("/upload/"), content_type, body)
        elif path.startswith("/response/") and self.command == "POST":
            answer = dispatcher.answer_response_url(
                path.removeprefix("/response/"), content_type, body
            )
        elif path.startswith("/files-pri/") and self.command == "GET":
            answer = dispatcher.answer_file_download(
                path.removeprefix("/files-pri/"), self.headers.get("Authorization")
            )
        elif path == "/_standin/calls" and self.command == "GET":
            answer = dispatcher.calls_json()
        else:
            answer = Answer.text(404, "Not Found")
        return answer

    def _write(self, answer: Answer) -> None:
        if answer.drop_connection:
            # Hang up without a status line, which clients see as "remote end closed connection".
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client may have gone already
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        # A client killed mid-call (as the kill benchmark does) is not the stand-in's problem.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:
        """Send access logs to logging rather than stderr."""
        logger.debug("%s - %s", self.address_string(), format % args)
