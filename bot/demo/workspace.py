"""The running demo: the real bot behind its signed endpoint, the Slack stand-in, and a movable clock.

Everything a person does on the page (or the terminal, or the scripted year) becomes a request
signed as Slack signs it; everything the bot says lands in the stand-in, and is read back from it.
What each member sees, with what Slack shows only to one person, is kept by the workspace's base
class (`bot.demo.conversations`).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.settings import Settings
from bot.demo.clock import DemoClock
from bot.demo.conversations import Conversations, Entry, Origin
from bot.demo.forms import State, chosen_from_state, state_values
from bot.demo.people import EVERYONE, GENERAL_CHANNEL, STEERING_CHANNEL, STEERING_CHANNEL_NAME
from bot.runtime import Runtime
from bot.slack.web import SLACK_PATH, RunningServer
from bot.standin import SlackStandin
from bot.standin.inbound import InboundResult, SlackSender
from bot.standin.workspace import StoredView
from scheduling.clock_process import run_once
from scheduling.pacing import Pacer

# After a request, wait until the bot has been quiet this long (its listeners run after the ack).
QUIET_SECONDS = 0.25
# Once the awaited answer is in, a moment more for anything sent with it.
BRIEF_QUIET = 0.02
POLL_SECONDS = 0.01
SETTLE_LIMIT_SECONDS = 15.0
# The clock process's passes happen at these local hours: reminders go at 09:00 on working days,
# sessions start in the morning and end in the afternoon, and the digest goes on Monday morning.
PASS_HOURS = (9, 13, 17)
NEXT_DUE_LIMIT_DAYS = 120


@dataclass
class OpenModal:
    """The modal a person has on top of their screen, with what they typed and the bot's errors."""

    view: StoredView
    chosen: dict[str, list[str]]
    errors: dict[str, str]


class DemoWorkspace(Conversations):
    """The demo's Slack workspace, with the bot connected, as seen by any of its members."""

    def __init__(
        self,
        standin: SlackStandin,
        sender: SlackSender,
        runtime: Runtime,
        clock: DemoClock,
    ) -> None:
        super().__init__(standin, clock)
        self.sender = sender
        self.runtime = runtime
        self.zone: ZoneInfo = runtime.settings.timezone
        # No real waiting between sends: the demo's time is not the wall clock's.
        self._ticks = replace(
            runtime.tick_dependencies(), pacer=Pacer(6000, sleep=lambda _seconds: None)
        )
        self._submitted: dict[str, tuple[dict[str, list[str]], dict[str, str]]] = {}
        self.passes: list[tuple[datetime, str]] = []
        # How long the bot must be silent before a request counts as finished.
        self.quiet_seconds = QUIET_SECONDS
        self.brief_quiet_seconds = BRIEF_QUIET

    # ------------------------------------------------------------------------ start and stop
    @classmethod
    @contextmanager
    def running(cls, settings: Settings, start: datetime) -> Iterator[DemoWorkspace]:
        """Start the stand-in, the bot on a throwaway SQLite database, and the demo's clock."""
        signing_secret = secrets.token_hex(16)
        clock = DemoClock(start)
        with tempfile.TemporaryDirectory(prefix="cohortbot-demo-") as scratch:
            database = Path(scratch) / "demo.db"
            with SlackStandin("xoxb-demo", epoch=int(start.timestamp())) as standin:
                add_people(standin)
                runtime = Runtime.build(
                    replace(
                        settings,
                        slack_bot_token=standin.bot_token,
                        slack_signing_secret=signing_secret,
                        slack_api_url=standin.api_url,
                        database_url=f"sqlite:///{database}",
                        coordinators=(EVERYONE[0].user_id,),
                        steering_channel=None,
                    ),
                    clock=clock,
                )
                runtime.prepare_database()
                server = RunningServer(runtime.wsgi_app()).start()
                try:
                    sender = SlackSender(server.url + SLACK_PATH, signing_secret, standin)
                    yield cls(standin, sender, runtime, clock)
                finally:
                    server.stop()
                    runtime.engine.dispose()

    # ------------------------------------------------------------------------ doing things
    def command(self, user_id: str, text: str, channel_id: str | None = None) -> InboundResult:
        """`/cohort text` typed by `user_id` in a conversation (their DM with the bot by default)."""
        channel = channel_id or self.dm_of(user_id)
        self.standin.messages_in(user_id)  # opens the DM, as Slack has one for every member
        views_before = self._views_state()
        result = self.sender.slash_command(user_id, self.mention_text(text), channel_id=channel)
        answered = False
        if result.response_url is not None:
            self._origins[result.response_url] = Origin(user_id, channel)
        if result.status == 200 and result.body:
            answer = result.json()
            if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
                self._add_ephemeral(user_id, channel, answer)
                answered = True
        elif result.status != 200:
            self._add_ephemeral(
                user_id, channel, {"text": f"The bot answered HTTP {result.status}."}
            )
            answered = True

        def replied() -> bool:
            # The command's own answer: a reply to its response_url, or a form opened.
            return (
                answered
                or self._views_state() != views_before
                or any(url == result.response_url for url, _p in self.standin.responses)
            )

        self.settle(replied)
        return result

    def click(
        self,
        user_id: str,
        action: dict[str, Any],
        *,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
    ) -> InboundResult:
        """A button, menu or picker used by `user_id` in a message (channel + ts) or a view."""
        message: dict[str, Any] | None = None
        ephemeral: Entry | None = None
        if view_id is None and channel is not None and ts is not None:
            ephemeral = next((e for e in self._ephemeral if e.ts == ts), None)
            if ephemeral is not None:
                message = {"type": "message", "ts": ts, "text": ephemeral.text}
                if ephemeral.blocks:
                    message = {**message, "blocks": ephemeral.blocks}
            else:
                found = self.standin.workspace.find_message(channel, ts)
                if found is None:
                    raise LookupError("that message is no longer there")
                ws = self.standin.workspace
                message = found.to_api(team_id=ws.team_id, app_id=ws.app_id)
        payload = self.standin.block_actions(
            user_id=user_id,
            actions=[action],
            channel_id=channel if view_id is None else None,
            message=message,
            view_id=view_id,
        )
        if ephemeral is not None:
            payload["container"]["is_ephemeral"] = True
        url = payload.get("response_url")
        if isinstance(url, str) and channel is not None:
            self._origins[url] = Origin(
                user_id,
                channel,
                message_ts=None if ephemeral is not None else ts,
                ephemeral_seq=ephemeral.seq if ephemeral is not None else None,
            )
        views_before = self._views_state()
        result = self.sender.interaction(payload)

        def answered() -> bool:
            # A click is answered by a post to its response_url or by a form opening or changing.
            return self._views_state() != views_before or any(
                u == url for u, _p in self.standin.responses
            )

        self.settle(answered)
        return result

    def _views_state(self) -> tuple[tuple[str, str], ...]:
        return tuple((v.id, v.hash) for v in self.standin.views.values())

    def submit(
        self, user_id: str, view_id: str, chosen: Mapping[str, Sequence[str]]
    ) -> dict[str, Any]:
        """Press the modal's submit button with these value(s) per block id; return the answer."""
        stored = self.standin.views.get(view_id)
        if stored is None:
            raise LookupError("that form is no longer open")
        values: State = state_values(stored.view, chosen)
        payload = self.standin.view_submission(view_id, user_id=user_id, values=values)
        result = self.sender.interaction(payload)
        answer: dict[str, Any] = {}
        if result.status == 200 and result.body:
            parsed = result.json()
            answer = parsed if isinstance(parsed, dict) else {}
        if answer.get("response_action") == "errors":
            errors = {str(k): str(v) for k, v in (answer.get("errors") or {}).items()}
            self._submitted[view_id] = (chosen_from_state(values), errors)
        else:
            self._submitted.pop(view_id, None)
            if not answer and result.status == 200:
                # An empty 200 closes the modal in Slack.
                self._close_stack(view_id)
        # The answer came with the HTTP response; only what was sent besides is waited for.
        self.settle(lambda: True)
        return answer

    def hold_errors(
        self, view_id: str, chosen: Mapping[str, Sequence[str]], errors: Mapping[str, str]
    ) -> None:
        """Keep a modal open with errors on its fields (what Slack does for an empty required one)."""
        self._submitted[view_id] = ({k: list(v) for k, v in chosen.items()}, dict(errors))

    def close(self, view_id: str) -> None:
        """The member cancels the modal on top."""
        self.standin.close_view(view_id)
        self._submitted.pop(view_id, None)

    def _close_stack(self, view_id: str) -> None:
        stored = self.standin.views.get(view_id)
        if stored is None:
            return
        for other in self.standin.views.values():
            if other.root_view_id == stored.root_view_id:
                self.standin.close_view(other.id)

    def open_home(self, user_id: str) -> StoredView | None:
        """Open the bot's Home tab as `user_id`, as Slack tells the app; return what it published."""
        before = self.standin.home_view(user_id)
        self.sender.event(
            {
                "type": "app_home_opened",
                "user": user_id,
                "channel": self.dm_of(user_id),
                "tab": "home",
            }
        )
        self.standin.wait_for(
            lambda: (self.standin.home_view(user_id) is not before) or None, timeout=10
        )
        self.settle()
        return self.standin.home_view(user_id)

    def wait_for_modal(
        self, user_id: str, timeout: float = SETTLE_LIMIT_SECONDS
    ) -> OpenModal | None:
        """The modal on top of `user_id`'s screen, waiting a while for one to open."""
        deadline = time.monotonic() + timeout
        while (modal := self.open_modal(user_id)) is None and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        return modal

    def open_modal(self, user_id: str) -> OpenModal | None:
        """The modal on top of `user_id`'s screen, if any."""
        views = [v for v in self.standin.views.values() if v.user_id == user_id]
        below = {v.previous_view_id for v in views}
        on_top = [v for v in views if v.id not in below]
        if not on_top:
            return None
        view = on_top[-1]
        chosen, errors = self._submitted.get(view.id, ({}, {}))
        return OpenModal(view, chosen, errors)

    # ------------------------------------------------------------------------ the clock
    def run_pass(self, at: datetime) -> str:
        """Move the clock to `at` and do one pass of the clock process there."""
        self.clock.move_to(at)
        results = run_once(self._ticks, self.clock())
        summary = "; ".join(f"{r.tick_id}: {r.summary}" for r in results)
        self.passes.append((self.clock(), summary))
        # The ticks send synchronously, so what they did is already in the stand-in.
        self._observe()
        return summary

    def pass_times(self, until: datetime) -> Iterator[datetime]:
        """The clock process's passes from now to `until`, at the hours things fall due."""
        local = self.now().astimezone(self.zone)
        day = local.date()
        while True:
            for hour in PASS_HOURS:
                at = datetime(day.year, day.month, day.day, hour, tzinfo=self.zone)
                if at <= local:
                    continue
                if at > until:
                    return
                yield at
            day += timedelta(days=1)

    def run_until(self, until: datetime) -> int:
        """Run the clock process's passes up to `until`; return how many messages arrived."""
        before = self._message_count()
        for at in self.pass_times(until):
            self.run_pass(at)
        self.clock.move_to(until)
        return self._message_count() - before

    def run_for(self, span: timedelta) -> int:
        """Run the clock on by `span`."""
        return self.run_until(self.now() + span)

    def run_to_next_due(self) -> int:
        """Run the clock until the bot next sends something (or four months pass)."""
        limit = self.now() + timedelta(days=NEXT_DUE_LIMIT_DAYS)
        before = self._message_count()
        for at in self.pass_times(limit):
            self.run_pass(at)
            if self._message_count() > before:
                break
        return self._message_count() - before

    def _message_count(self) -> int:
        ws = self.standin.workspace
        total = sum(len(history) for history in list(ws.messages.values()))
        return total + len(ws.ephemeral) + len(self.standin.responses)

    # ------------------------------------------------------------------------ reading back
    def settle(self, done: Callable[[], bool] | None = None) -> None:
        """Wait for the bot to finish what the last request started, then take in what it did.

        With `done`, waiting ends soon after it holds (the awaited answer came); without, once
        the bot has been quiet for a while.
        """
        deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
        last = self._activity()
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            current = self._activity()
            if current != last:
                last, quiet_since = current, time.monotonic()
                continue
            quiet = time.monotonic() - quiet_since
            answered = done is not None and quiet >= self.brief_quiet_seconds and done()
            if quiet >= self.quiet_seconds or answered:
                break
        self._observe()

    def _activity(self) -> tuple[int, int]:
        return len(self.standin.calls), len(self.standin.responses)


def add_people(standin: SlackStandin) -> None:
    """The demo's members and channels, as Slack would list them."""
    for person in EVERYONE:
        standin.add_user(
            person.user_id,
            name=person.handle,
            real_name=person.real_name,
            email=person.email,
            tz=person.tz,
            is_admin=person.role == "coordinator",
        )
    everyone = [p.user_id for p in EVERYONE]
    standin.add_channel(GENERAL_CHANNEL, name="general", members=everyone)
    steering = [p.user_id for p in EVERYONE if p.role in ("coordinator", "steering")]
    standin.add_channel(STEERING_CHANNEL, name=STEERING_CHANNEL_NAME, members=steering)
