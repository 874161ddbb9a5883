"""SlackStandin: a loopback stand-in of Slack's Web API (and Socket Mode) for tests and demos.

The real slack_sdk.WebClient talks to it when given `base_url=standin.api_url`. Every call is
checked against Slack's published method table and recorded; contract violations become
`problems`, which the pytest fixture turns into test failures.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Collection, Iterable
from types import TracebackType
from typing import Any, Self

from bot.standin import interaction_payloads
from bot.standin.block_validation import check_view
from bot.standin.dispatch import Dispatcher, Download
from bot.standin.http_server import StandinHTTPServer
from bot.standin.injection import FaultInjection
from bot.standin.methods import SlackError
from bot.standin.observation import Observation
from bot.standin.socket_mode import SocketModeServer
from bot.standin.workspace import (
    TRIGGER_LIFETIME_SECONDS,
    Channel,
    Message,
    ResponseUrl,
    StoredView,
    Trigger,
    UploadedFile,
    User,
    Workspace,
)


class SlackStandin(Observation, FaultInjection):
    """A small in-memory Slack workspace behind Slack's Web API, on 127.0.0.1."""

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        *,
        app_token: str | None = None,
        port: int = 0,
        bot_name: str = "cohortbot",
        scopes: Collection[str] | None = None,
        epoch: int | None = None,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self._port = port
        workspace = Workspace(team_id=team_id, bot_user_id=bot_user_id)
        if epoch is not None:
            workspace.epoch = epoch
        workspace.users[bot_user_id] = User(bot_user_id, bot_name, is_bot=True, team_id=team_id)
        token_kinds = {bot_token: "bot"}
        if app_token is not None:
            token_kinds[app_token] = "app"
        self._dispatcher = Dispatcher(
            workspace=workspace, token_kinds=token_kinds, on_problem=on_problem
        )
        # None means "every scope granted"; a collection makes calls outside it fail missing_scope.
        self._dispatcher.granted_scopes = scopes
        self._dispatcher.open_socket_url = self._open_socket_url
        self._httpd: StandinHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_mode: SocketModeServer | None = None
        self._problems_expected = False
        self._stopping = False

    def grant_only(self, scopes: Collection[str]) -> None:
        """From now on, answer `missing_scope` to calls that need a scope outside `scopes`."""
        self._dispatcher.granted_scopes = tuple(scopes)

    # ------------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        """Bind 127.0.0.1 (port 0 picks a free one) and serve in a background thread."""
        if self._httpd is not None:
            return self
        self._stopping = False
        self._httpd = StandinHTTPServer(("127.0.0.1", self._port), self._dispatcher)
        self._dispatcher.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close Socket Mode connections and stop serving; safe to call twice."""
        # An app told to go away reconnects at once; it must not start a fresh server meanwhile.
        self._stopping = True
        if self._socket_mode is not None:
            self._socket_mode.stop()
            self._socket_mode = None
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The server's root, e.g. "http://127.0.0.1:50123"."""
        if self._httpd is None:
            raise RuntimeError("the stand-in has not been started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def api_url(self) -> str:
        """What WebClient(base_url=...) takes: base_url + "/api/"."""
        return self.base_url + "/api/"

    @property
    def workspace(self) -> Workspace:
        """The live workspace state (hold no references across threads you do not control)."""
        return self._dispatcher.workspace

    # ------------------------------------------------------------------------ workspace
    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        email: str | None = None,
        tz: str = "Europe/London",
        is_admin: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
    ) -> User:
        """Add (or replace) a workspace member."""
        user = User(
            user_id, name, email, tz, is_admin, deleted, real_name, team_id=self.workspace.team_id
        )
        with self._dispatcher.lock:
            self.workspace.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_archived: bool = False,
        members: Iterable[str] = (),
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> Channel:
        """Add (or replace) a channel; `bot_is_member=False` makes posting fail not_in_channel."""
        channel = Channel(
            channel_id,
            name,
            is_archived=is_archived,
            members=list(members),
            is_private=is_private,
            bot_is_member=bot_is_member,
        )
        with self._dispatcher.lock:
            self.workspace.channels[channel_id] = channel
        return channel

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Message:
        """Seed a message from someone other than the bot (e.g. a participant's reply)."""
        with self._dispatcher.lock:
            target = self.workspace.resolve_channel(channel)
            if target is None:
                raise KeyError(f"no conversation {channel!r}; add it with add_channel first")
            message = Message(
                target.id,
                self.workspace.next_ts(),
                text,
                user,
                thread_ts=thread_ts,
                metadata=metadata,
            )
            self.workspace.history(target.id).append(message)
        return message

    def im_channel_id(self, user_id: str) -> str:
        """The id conversations.open returns for a direct message with this user."""
        return "D" + user_id[1:]

    def messages_in(self, channel: str) -> list[Message]:
        """Messages now in a conversation (by id, name or IM user id), oldest first."""
        with self._dispatcher.lock:
            target = self.workspace.resolve_channel(channel)
            return list(self.workspace.history(target.id)) if target is not None else []

    @property
    def ephemeral_messages(self) -> list[dict[str, Any]]:
        """Everything sent with chat.postEphemeral, in order."""
        with self._dispatcher.lock:
            return list(self.workspace.ephemeral)

    @property
    def views(self) -> dict[str, StoredView]:
        """Modals opened or pushed, by view id."""
        with self._dispatcher.lock:
            return dict(self.workspace.views)

    def answer_submission(self, view_id: str, answer: dict[str, Any]) -> None:
        """Do what Slack does with an app's answer to a view_submission.

        `update` replaces the open view (checked as views.update would check it); `push` puts
        a new view on top of it; `clear`
        closes the stack; `errors` leaves the view open. A view that Slack would refuse is a
        problem the test reports.
        """
        action = answer.get("response_action")
        with self._dispatcher.lock:
            stored = self.workspace.views.get(view_id)
            if action == "update" and stored is not None:
                rejection = check_view(answer.get("view"), expected_type="modal")
                if rejection is not None:
                    self._dispatcher.note_problem(
                        f"view_submission answer → {rejection.error}: {rejection.reason}"
                    )
                    return
                stored.view = dict(answer["view"])
                stored.hash = self.workspace.view_hash()
            elif action == "push" and stored is not None:
                rejection = check_view(answer.get("view"), expected_type="modal")
                if rejection is not None:
                    self._dispatcher.note_problem(
                        f"view_submission answer → {rejection.error}: {rejection.reason}"
                    )
                    return
                pushed_id = self.workspace.new_id("V")
                self.workspace.views[pushed_id] = StoredView(
                    pushed_id,
                    dict(answer["view"]),
                    self.workspace.view_hash(),
                    root_view_id=stored.root_view_id,
                    previous_view_id=stored.id,
                    user_id=stored.user_id,
                )
            elif action == "clear" and stored is not None:
                root = stored.root_view_id
                for other in [v for v in self.workspace.views.values() if v.root_view_id == root]:
                    del self.workspace.views[other.id]

    def close_view(self, view_id: str) -> None:
        """The member closes a modal (Cancel, or the close button): that view goes, the one below it shows again."""
        with self._dispatcher.lock:
            self.workspace.views.pop(view_id, None)

    def replace_message(
        self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None
    ) -> bool:
        """Do what Slack does with `replace_original` on a response_url: the message changes."""
        with self._dispatcher.lock:
            message = self.workspace.find_message(channel, ts)
            if message is None:
                return False
            message.text = text
            message.blocks = blocks
            message.edited_ts = self.workspace.next_ts()
            return True

    def delete_message(self, channel: str, ts: str) -> bool:
        """Do what Slack does with `delete_original` on a response_url: the message goes."""
        with self._dispatcher.lock:
            message = self.workspace.find_message(channel, ts)
            if message is None:
                return False
            self.workspace.history(channel).remove(message)
            return True

    def home_view(self, user_id: str) -> StoredView | None:
        """The Home tab last published for a user."""
        with self._dispatcher.lock:
            return self.workspace.home_views.get(user_id)

    @property
    def files(self) -> dict[str, UploadedFile]:
        """Files uploaded through the external upload flow (or shared by members), by file id."""
        with self._dispatcher.lock:
            return dict(self.workspace.files)

    def share_file(
        self, user_id: str, *, filename: str, content: bytes, filetype: str = "csv"
    ) -> str:
        """A member shares a file with the bot in their DM; returns its file id ("F…").

        files.info then describes it, with url_private(_download) on the stand-in, which serve
        the bytes only to the bot token (see `downloads`). Send `file_shared_event(file_id)`
        with the event to tell the app, as Slack would.
        """
        with self._dispatcher.lock:
            ws = self.workspace
            dm = ws.im_channel_for(user_id)
            file_id = ws.new_id("F")
            url = f"{self.base_url}/files-pri/{ws.team_id}-{file_id}"
            file = UploadedFile(
                id=file_id,
                filename=filename,
                length=len(content),
                title=filename,
                content=content,
                channels=[dm.id],
                completed=True,
                user=user_id,
                filetype=filetype,
                url_private=f"{url}/{filename}",
                url_private_download=f"{url}/download/{filename}",
            )
            ws.files[file_id] = file
            ws.history(dm.id).append(
                Message(
                    dm.id,
                    ws.next_ts(),
                    "",
                    user_id,
                    files=[file.to_api(bot_user_id=ws.bot_user_id)],
                )
            )
        return file_id

    def file_shared_event(self, file_id: str) -> dict[str, Any]:
        """The `file_shared` event Slack sends for a file shared with `share_file`."""
        with self._dispatcher.lock:
            file = self.workspace.files[file_id]
            if file.user is None:
                raise KeyError(f"{file_id} was uploaded by the bot, not shared by a member")
            return {
                "type": "file_shared",
                "file_id": file.id,
                "user_id": file.user,
                "file": {"id": file.id},
                "channel_id": file.channels[0] if file.channels else "",
                "event_ts": self.workspace.next_ts(),
            }

    @property
    def downloads(self) -> list[Download]:
        """Every GET of a shared file's private URL, in order, and whether it had the token."""
        with self._dispatcher.lock:
            return list(self._dispatcher.downloads)

    # --------------------------------------------------------------------- interactions
    def new_trigger_id(
        self,
        *,
        user_id: str | None = None,
        view_id: str | None = None,
        lifetime: float = TRIGGER_LIFETIME_SECONDS,
    ) -> str:
        """Hand out a trigger_id, usable once within `lifetime` seconds (Slack: 3)."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        trigger = Trigger(trigger_id, time.monotonic(), lifetime, user_id=user_id, view_id=view_id)
        with self._dispatcher.lock:
            self.workspace.triggers[trigger_id] = trigger
        return trigger_id

    def response_url(self) -> str:
        """Hand out a response_url on the stand-in, usable five times in 30 minutes."""
        token = secrets.token_urlsafe(16)
        with self._dispatcher.lock:
            self.workspace.response_urls[token] = ResponseUrl(token, time.monotonic())
        return f"{self.base_url}/response/{token}"

    def _user_name(self, user_id: str) -> str:
        user = self.workspace.users.get(user_id)
        return user.name if user is not None else user_id

    def slash_command(
        self, command: str, *, user_id: str, channel_id: str, text: str = ""
    ) -> dict[str, Any]:
        """A slash command payload with a fresh trigger_id and response_url."""
        channel = self.workspace.channels.get(channel_id)
        return interaction_payloads.slash_command(
            team_id=self.workspace.team_id,
            app_id=self.workspace.app_id,
            command=command,
            text=text,
            user_id=user_id,
            user_name=self._user_name(user_id),
            channel_id=channel_id,
            channel_name=channel.name if channel is not None else "directmessage",
            trigger_id=self.new_trigger_id(user_id=user_id),
            response_url=self.response_url(),
        )

    def block_actions(
        self,
        *,
        user_id: str,
        actions: list[dict[str, Any]],
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        view_id: str | None = None,
    ) -> dict[str, Any]:
        """A block_actions payload, from a message or (with view_id) from an open view."""
        view = None
        if view_id is not None:
            stored = self.views.get(view_id) or self.home_view(user_id)
            if stored is None:
                raise KeyError(f"no view {view_id!r}")
            ws = self.workspace
            view = stored.to_api(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id)
        return interaction_payloads.block_actions(
            team_id=self.workspace.team_id,
            app_id=self.workspace.app_id,
            user_id=user_id,
            user_name=self._user_name(user_id),
            actions=actions,
            trigger_id=self.new_trigger_id(user_id=user_id, view_id=view_id),
            response_url=self.response_url() if view_id is None else None,
            channel_id=channel_id,
            message=message,
            view=view,
        )

    def view_submission(
        self, view_id: str, *, user_id: str, values: dict[str, dict[str, dict[str, Any]]]
    ) -> dict[str, Any]:
        """A view_submission payload for an open modal, with the given state values."""
        stored = self.views[view_id]
        ws = self.workspace
        return interaction_payloads.view_submission(
            team_id=ws.team_id,
            app_id=ws.app_id,
            user_id=user_id,
            user_name=self._user_name(user_id),
            view=stored.to_api(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id),
            values=values,
            trigger_id=self.new_trigger_id(user_id=user_id, view_id=view_id),
        )

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """An Events API event_callback body wrapping one event."""
        ws = self.workspace
        return interaction_payloads.event_callback(
            team_id=ws.team_id, app_id=ws.app_id, bot_user_id=ws.bot_user_id, event=event
        )

    # ---------------------------------------------------------------------- Socket Mode
    def _open_socket_url(self) -> str:
        """Start the Socket Mode server on first use and issue a one-time URL."""
        if self.app_token is None:
            raise SlackError("invalid_auth", "the stand-in was not given an app-level token")
        if self._stopping:
            raise SlackError("internal_error", "the stand-in is shutting down")
        if self._socket_mode is None:
            recorder = self._dispatcher.recorder
            server = SocketModeServer(
                app_id=self.workspace.app_id,
                record_ack=recorder.add_ack,
                note_problem=recorder.add_problem,
            )
            server.start()
            self._socket_mode = server
        return self._socket_mode.issue_url()

    def socket_mode_send(
        self, type_: str, payload: dict[str, Any], timeout: float = 5.0
    ) -> dict[str, Any]:
        """Send a slash_commands/interactive/events_api envelope; return the app's ack."""
        deadline = time.monotonic() + timeout
        # The app may still be between apps.connections.open and its handshake.
        while self._socket_mode is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if self._socket_mode is None:
            raise AssertionError(f"no app opened a Socket Mode connection within {timeout} s")
        return self._socket_mode.send(type_, payload, max(0.0, deadline - time.monotonic()))

    def socket_mode_ask_to_reconnect(self) -> None:
        """Send Slack's `disconnect` (refresh_requested) message to connected apps."""
        if self._socket_mode is not None:
            self._socket_mode.ask_to_reconnect()
