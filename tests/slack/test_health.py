"""`GET /healthz`: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from functools import partial

from bot.runtime import Runtime
from bot.slack.web import RunningServer, create_wsgi_app
from db.engine import create_engine_for, ping


def get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_is_ok_when_the_database_answers(bot_server: RunningServer) -> None:
    assert get(bot_server.url + "/healthz") == (200, {"status": "ok", "database": "ok"})


def test_healthz_is_unavailable_when_the_database_does_not_answer(runtime: Runtime) -> None:
    unreachable = create_engine_for("postgresql+psycopg://postgres@127.0.0.1:1/none")
    server = RunningServer(
        create_wsgi_app(
            runtime.bolt_app(),
            partial(ping, unreachable),
            runtime.settings.slack_signing_secret or "",
        )
    ).start()
    try:
        status, body = get(server.url + "/healthz")
    finally:
        server.stop()
        unreachable.dispose()

    assert status == 503
    assert body["status"] == "unavailable"


def test_unknown_path_is_not_found(bot_server: RunningServer) -> None:
    assert get(bot_server.url + "/nope")[0] == 404


def test_slack_path_wants_post(bot_server: RunningServer) -> None:
    assert get(bot_server.url + "/slack/events")[0] == 405
