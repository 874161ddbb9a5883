"""The demo page over HTTP (no browser): forms post back, Slack's own checks, files and bad posts."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bot.demo.page import REQUIRED_FIELD, DemoPage
from bot.demo.workspace import DemoWorkspace
from bot.slack.web import RunningServer

TIMEOUT = 30


@pytest.fixture
def page(seeded_demo: DemoWorkspace) -> Iterator[str]:
    server = RunningServer(DemoPage(seeded_demo)).start()
    yield server.url
    server.stop()


def post(base: str, path: str, fields: dict[str, str]) -> str:
    """Post a form as the browser would, following the redirect; return the page."""
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(base + path, data, timeout=TIMEOUT) as response:
        return str(response.read().decode())


def get(base: str, path: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(base + path, timeout=TIMEOUT) as response:
        return response.status, str(response.headers["Content-Type"]), response.read()


def test_an_empty_required_field_is_refused_before_the_bot_hears_of_it(
    page: str, seeded_demo: DemoWorkspace
) -> None:
    shown = post(page, "/command", {"as": "U0CHRIS", "text": "/cohort programme add"})
    view_id = re.search(r'name="view_id" value="(V[0-9A-F]+)"', shown)
    assert view_id is not None
    calls_before = len(seeded_demo.standin.calls)

    shown = post(
        page,
        "/submit",
        {
            "as": "U0CHRIS",
            "view_id": view_id.group(1),
            "op": "submit",
            "f:name": "",
            "f:length_months": "0",
        },
    )

    assert 'class="bk-input bk-has-error" data-block-id="name"' in shown
    assert REQUIRED_FIELD in shown
    assert "at least 1 month" not in shown  # the bot's own check never ran
    assert len(seeded_demo.standin.calls) == calls_before
    post(page, "/submit", {"as": "U0CHRIS", "view_id": view_id.group(1), "op": "cancel"})
    assert seeded_demo.open_modal("U0CHRIS") is None


def test_a_file_the_bot_sends_can_be_downloaded_from_the_page(page: str) -> None:
    shown = post(page, "/command", {"as": "U0ADA", "c": "D0ADA", "text": "calendar"})
    link = re.findall(r'href="(/files/F[0-9A-F]+/[^"]+\.ics)"', shown)
    assert link, "no download link for the timetable"

    status, kind, body = get(page, link[-1])

    assert status == 200 and kind == "text/calendar"
    assert body.startswith(b"BEGIN:VCALENDAR")
    assert "Only visible to you" in shown


def test_a_button_on_a_message_that_has_gone_says_so(page: str) -> None:
    act = json.dumps({"b": "x", "a": "y", "v": "1", "f": None})
    shown = post(page, "/action", {"as": "U0ADA", "c": "D0ADA", "ts": "1.000", "act": act})

    assert "That message is no longer there." in shown


def test_someone_unknown_is_shown_the_coordinators_view(page: str) -> None:
    _status, _kind, body = get(page, "/?as=U0NOBODY&c=C0NOWHERE")

    assert 'Viewing as <b id="viewer">Chris Morgan</b>' in body.decode()
