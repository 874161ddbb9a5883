"""The demo's web page: the workspace as Slack shows it, served on 127.0.0.1 by the demo process.

Plain HTML forms post back here (post, then redirect); each becomes a signed Slack request to the
bot through `DemoWorkspace`. One request at a time: the demo's workspace is one person's toy.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from bot.core.timefmt import format_when
from bot.demo.blockkit import BlockRenderer, Where, environment
from bot.demo.conversations import Entry
from bot.demo.forms import element_state, input_elements
from bot.demo.people import COORDINATOR_ID, EVERYONE
from bot.demo.workspace import DemoWorkspace

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

HOME = "home"
REQUIRED_FIELD = "Please complete this required field."
_ROLES = {person.user_id: person.role for person in EVERYONE}
_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Screen:
    """Who is looking, at which conversation (or their Home tab)."""

    viewer: str
    place: str

    def query(self) -> str:
        """The page's address for this screen."""
        return "/?" + urlencode({"as": self.viewer, "c": self.place})


class DemoPage:
    """The WSGI app of the demo's page."""

    def __init__(self, demo: DemoWorkspace) -> None:
        self.demo = demo
        self.env = environment()
        self.renderer = BlockRenderer(
            demo.name_of, demo.channel_name, lambda f: file_url(f), self.env
        )
        self._lock = threading.Lock()
        self._read: dict[tuple[str, str], int] = {}
        self._flash: dict[str, str] = {}

    # ------------------------------------------------------------------------ WSGI
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        with self._lock:
            if method == "GET" and path == "/":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                return self._html(start_response, self.render(self._screen(query)))
            if method == "GET" and path.startswith("/static/"):
                return self._static(start_response, path.removeprefix("/static/"))
            if method == "GET" and path.startswith("/files/"):
                return self._file(start_response, path.removeprefix("/files/"))
            if method == "POST" and path in ("/command", "/action", "/submit", "/clock"):
                size = int(environ.get("CONTENT_LENGTH") or 0)
                form = parse_qs(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
                screen = self._screen(form)
                handler = {
                    "/command": self._command,
                    "/action": self._action,
                    "/submit": self._submit,
                    "/clock": self._clock,
                }[path]
                try:
                    handler(screen, form)
                except LookupError as error:
                    self._flash[screen.viewer] = str(error)
                return self._redirect(start_response, screen.query())
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not found"]

    def _screen(self, query: Mapping[str, list[str]]) -> Screen:
        known = {user_id for user_id, _h, _n in self.demo.people()}
        viewer = (query.get("as") or [COORDINATOR_ID])[0]
        viewer = viewer if viewer in known else COORDINATOR_ID
        place = (query.get("c") or [""])[0] or self.demo.dm_of(viewer)
        if place != HOME and place not in {c for c, _n in self.demo.channels(viewer)}:
            place = self.demo.dm_of(viewer)
        return Screen(viewer, place)

    # ------------------------------------------------------------------------ actions
    def _command(self, screen: Screen, form: Mapping[str, list[str]]) -> None:
        text = (form.get("text") or [""])[0].strip().removeprefix("/cohort").strip()
        channel = None if screen.place == HOME else screen.place
        self.demo.command(screen.viewer, text, channel)

    def _action(self, screen: Screen, form: Mapping[str, list[str]]) -> None:
        used = json.loads((form.get("act") or ["{}"])[0])
        view_id = (form.get("view_id") or [""])[0] or None
        ts = (form.get("ts") or [""])[0] or None
        blocks = self._blocks_of(screen, view_id, ts)
        element = _find_element(blocks, str(used.get("b")), str(used.get("a")))
        if element is None:
            raise LookupError("That button is no longer there.")
        action: dict[str, Any] = {"block_id": used.get("b"), "action_id": used.get("a")}
        if element.get("type") == "button":
            action.update(type="button", text=element.get("text"))
            if element.get("value") is not None:
                action["value"] = element["value"]
        else:
            action.update(element_state(element, form.get(str(used.get("f")), [])))
        channel = None if screen.place == HOME else screen.place
        self.demo.click(screen.viewer, action, channel=channel, ts=ts, view_id=view_id)

    def _blocks_of(self, screen: Screen, view_id: str | None, ts: str | None) -> list[Any]:
        if view_id is not None:
            stored = self.demo.standin.views.get(view_id) or self.demo.standin.home_view(
                screen.viewer
            )
            if stored is None:
                raise LookupError("That form is no longer open.")
            return list(stored.view.get("blocks") or [])
        entry = next((e for e in self._entries(screen) if e.ts == ts), None)
        if entry is None:
            raise LookupError("That message is no longer there.")
        return list(entry.blocks or [])

    def _submit(self, screen: Screen, form: Mapping[str, list[str]]) -> None:
        view_id = (form.get("view_id") or [""])[0]
        if (form.get("op") or [""])[0] == "cancel":
            self.demo.close(view_id)
            return
        stored = self.demo.standin.views.get(view_id)
        if stored is None:
            raise LookupError("That form is no longer open.")
        chosen = {
            block_id: [v for v in form.get(f"f:{block_id}", []) if v != ""]
            for block_id, _element in input_elements(stored.view)
        }
        # Slack itself refuses an empty required field, before the app hears of it.
        missing = {
            str(block.get("block_id")): REQUIRED_FIELD
            for block in stored.view.get("blocks") or []
            if block.get("type") == "input"
            and not block.get("optional")
            and not chosen.get(str(block.get("block_id")))
        }
        if missing:
            self.demo.hold_errors(view_id, chosen, missing)
            return
        self.demo.submit(screen.viewer, view_id, chosen)

    def _clock(self, screen: Screen, form: Mapping[str, list[str]]) -> None:
        step = (form.get("step") or ["next"])[0]
        before = self.demo.now()
        if step == "day":
            arrived = self.demo.run_for(_DAY)
        elif step == "week":
            arrived = self.demo.run_for(_WEEK)
        else:
            arrived = self.demo.run_to_next_due()
        self._flash[screen.viewer] = (
            f"The clock ran from {self._when(before)} to {self._when(self.demo.now())}: "
            f"{arrived} new message(s) in the workspace."
        )

    # ------------------------------------------------------------------------ showing
    def _entries(self, screen: Screen) -> list[Entry]:
        if screen.place == HOME:
            return []
        return self.demo.timeline(screen.viewer, screen.place)

    def _when(self, instant: datetime) -> str:
        return format_when(instant, self.demo.zone)

    def render(self, screen: Screen) -> str:
        """The whole page for one screen."""
        demo = self.demo
        where = Where(
            interactive=True,
            people=demo.people(),
            conversations=demo.channels(screen.viewer),
        )
        home = demo.open_home(screen.viewer) if screen.place == HOME else None
        entries = self._entries(screen)
        if entries:
            self._read[(screen.viewer, screen.place)] = entries[-1].seq
        conversations = [
            (channel_id, "#" + name, self._unread(screen.viewer, channel_id))
            for channel_id, name in demo.channels(screen.viewer)
        ]
        dm = demo.dm_of(screen.viewer)
        modal = demo.open_modal(screen.viewer)
        modal_html = None
        if modal is not None:
            modal_where = Where(
                interactive=True,
                chosen=modal.chosen,
                errors=modal.errors,
                people=where.people,
                conversations=where.conversations,
            )
            modal_html = self.renderer.blocks(modal.view.view.get("blocks"), modal_where)
        messages = [
            {
                "entry": entry,
                "who": demo.name_of(entry.user),
                "when": self._when(entry.at),
                "body": self.renderer.message_body(
                    entry.text, entry.blocks, where, demo.name_of, demo.channel_name
                ),
                "files": self.renderer.files(entry.files, where),
            }
            for entry in entries
        ]
        people = [
            {"id": user_id, "handle": handle, "name": name, "role": _ROLES.get(user_id, "")}
            for user_id, handle, name in demo.people()
        ]
        return self.env.get_template("page.html.j2").render(
            screen=screen,
            viewer_name=demo.name_of(screen.viewer),
            viewer_role=_ROLES.get(screen.viewer, "member"),
            place_name="Home" if screen.place == HOME else demo.channel_name(screen.place),
            conversations=conversations,
            dm=dm,
            dm_unread=self._unread(screen.viewer, dm),
            people=people,
            people_json=json.dumps([{"handle": p["handle"], "name": p["name"]} for p in people]),
            messages=messages,
            home=self.renderer.blocks(home.view.get("blocks"), where) if home else None,
            home_view_id=home.id if home else None,
            modal=modal,
            modal_html=modal_html,
            modal_title=_plain(modal.view.view.get("title")) if modal else "",
            modal_submit=_plain(modal.view.view.get("submit")) if modal else "",
            modal_close=_plain(modal.view.view.get("close")) or "Cancel" if modal else "",
            now=self._when(demo.now()),
            flash=self._flash.pop(screen.viewer, None),
            home_place=HOME,
        )

    def _unread(self, viewer: str, channel: str) -> int:
        read = self._read.get((viewer, channel), 0)
        return sum(1 for e in self.demo.timeline(viewer, channel) if e.seq > read)

    # ------------------------------------------------------------------------ responses
    @staticmethod
    def _html(start_response: StartResponse, body: str) -> list[bytes]:
        data = body.encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(data))),
                ("Cache-Control", "no-store"),
                ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:"),
            ],
        )
        return [data]

    @staticmethod
    def _redirect(start_response: StartResponse, location: str) -> list[bytes]:
        start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
        return [b""]

    @staticmethod
    def _static(start_response: StartResponse, name: str) -> list[bytes]:
        suffix = "." + name.rpartition(".")[2]
        if "/" in name or suffix not in _STATIC_TYPES:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found"]
        data = files("bot.demo").joinpath("static", name).read_bytes()
        start_response(
            "200 OK", [("Content-Type", _STATIC_TYPES[suffix]), ("Content-Length", str(len(data)))]
        )
        return [data]

    def _file(self, start_response: StartResponse, path: str) -> list[bytes]:
        found = self.demo.file_content(path.partition("/")[0])
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"No such file"]
        name, content = found
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        start_response(
            "200 OK",
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(content))),
                ("Content-Disposition", f'inline; filename="{_header_safe(name)}"'),
            ],
        )
        return [content]


def file_url(file: Mapping[str, Any]) -> str | None:
    """Where the page serves a file's bytes."""
    file_id = str(file.get("id") or "")
    return f"/files/{file_id}/{_header_safe(str(file.get('name') or 'file'))}" if file_id else None


def _header_safe(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "._- ")


def _plain(obj: object) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _find_element(blocks: list[Any], block_id: str, action_id: str) -> dict[str, Any] | None:
    for block in blocks:
        if str(block.get("block_id")) != block_id:
            continue
        candidates = [*(block.get("elements") or []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and str(element.get("action_id")) == action_id:
                return element
    return None


def wsgi_app(demo: DemoWorkspace) -> WSGIApplication:
    """The page as a WSGI app."""
    return DemoPage(demo)
