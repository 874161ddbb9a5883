"""The HTTP face of the bot: Slack's one Request URL and a health check, as a WSGI app.

`cohortbot serve` runs it under waitress, a production WSGI server; tests run the same app in-process.
"""

from __future__ import annotations

import gc
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.acknowledgements_first import ACKNOWLEDGEMENTS_FIRST
from bot.slack.payload_shape import keeps_slack_shapes
from bot.slack.signed_request import read_signed

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.slack.handoff.intake import HandOffIntake

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
NOT_FROM_SLACK = {"error": "not a request Slack sends"}
# Slack's own payloads are small; anything near this is not from Slack.
MAX_REQUEST_BYTES = 1024 * 1024
# waitress's threads: requests in hand at once. The listener pool is sized against it (app.py).
SERVER_THREADS = 8


def create_wsgi_app(
    bolt_app: App,
    database_ok: Callable[[], bool],
    signing_secret: str,
    intake: HandOffIntake | None = None,
) -> WSGIApplication:
    """Route `POST /slack/events` to Bolt and `GET /healthz` to a database check.

    A signed body that breaks the shapes of Slack's payloads is refused with a 400
    (`bot.slack.payload_shape`). With an `intake`, requests it accepts are stored for the worker
    and acknowledged at once.
    """
    slack = SlackRequestHandler(bolt_app, path=SLACK_PATH)
    verifier = SignatureVerifier(signing_secret)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SLACK_PATH:
            if method != "POST":
                return _json(start_response, 405, {"error": "use POST"}, [("Allow", "POST")])
            with ACKNOWLEDGEMENTS_FIRST.awaiting_acknowledgement():
                signed = read_signed(environ, verifier)
                if signed is not None and not keeps_slack_shapes(signed.body):
                    logger.warning("refused a signed body that is not shaped as Slack's are")
                    return _json(start_response, 400, NOT_FROM_SLACK)
                if signed is not None and intake is not None:
                    acknowledged = intake.take(signed, start_response)
                    if acknowledged is not None:
                        return acknowledged
                try:
                    return slack(environ, start_response)
                except Exception as error:
                    # The net under the shape check: Bolt's own middleware assumes Slack's
                    # shapes, and a body that breaks one is refused, not answered with a 500.
                    logger.warning("refused a malformed Slack request: %s", type(error).__name__)
                    return _json(start_response, 400, NOT_FROM_SLACK)
        if path == HEALTH_PATH:
            if method not in ("GET", "HEAD"):
                return _json(start_response, 405, {"error": "use GET"}, [("Allow", "GET, HEAD")])
            if database_ok():
                return _json(start_response, 200, {"status": "ok", "database": "ok"})
            return _json(
                start_response, 503, {"status": "unavailable", "database": "not answering"}
            )
        return _json(start_response, 404, {"error": "not found"})

    return application


def _json(
    start_response: StartResponse,
    status: int,
    body: dict[str, Any],
    extra_headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    payload = json.dumps(body).encode()
    reasons = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        405: "Method Not Allowed",
        503: "Service Unavailable",
    }
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    start_response(f"{status} {reasons[status]}", [*headers, *extra_headers])
    return [payload]


class RunningServer:
    """A waitress server running in a background thread (for tests and the local demo)."""

    def __init__(self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = create_server(
            app,
            host=host,
            port=port,
            threads=SERVER_THREADS,
            max_request_body_size=MAX_REQUEST_BYTES,
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="http", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:53412."""
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> RunningServer:
        """Start serving in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, finish requests in flight and release the port."""
        self._stopping.set()
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        # waitress's own run() loops until its sockets are closed under it, which races with a
        # close() from another thread; polling in short steps lets this thread close them itself.
        server = self._server
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)


def serve_forever(app: WSGIApplication, port: int, host: str = "0.0.0.0") -> None:
    """Serve `app` in the foreground until interrupted or sent SIGTERM (as platforms stop dynos)."""
    server = create_server(
        app, host=host, port=port, threads=SERVER_THREADS, max_request_body_size=MAX_REQUEST_BYTES
    )
    # waitress closes cleanly on SystemExit, finishing the requests it has in hand.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.run()


def freeze_startup_objects() -> None:
    """Keep what the process built at start out of the garbage collector's full passes.

    A full (generation 2) collection pauses every thread while it walks every object, and the
    web process holds a few hundred thousand from start to finish (SQLAlchemy's mappers, the
    migrations, Slack's libraries): under load one pause took 423 ms, acknowledging nothing
    meanwhile. Frozen, they are skipped, and the same pass took 3 ms (README, Benchmarks).
    """
    gc.collect()
    gc.freeze()
