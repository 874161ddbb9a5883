"""The demo in a terminal: each line typed is answered at once; DMs, replies and forms shown as text.

Lines are `/cohort` commands (the `/cohort` may be left out) typed as the person viewing, or one of
the demo's own instructions, which start with a colon (`:help` lists them). A form opened by a
command is filled in field by field. An empty line, or the end of the input, ends the demo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TextIO

from bot.core.timefmt import format_when
from bot.demo.conversations import Entry
from bot.demo.forms import input_elements, options_of
from bot.demo.people import COORDINATOR_ID, EVERYONE
from bot.demo.text import blocks_to_text, mrkdwn_to_text
from bot.demo.workspace import DemoWorkspace

OPENING_COMMANDS = ("help", "status")
INSTRUCTIONS = """Demo instructions (anything else is sent as a /cohort command):
  :as @handle    view and type as someone else
  :people        who is in the workspace
  :next          run the clock to the next thing due;  :day, :week  run it on a day or a week
  :press N       press button or menu N (a menu asks which choice)
  :home          show the Home tab of the person viewing
  :help          this list;  an empty line ends the demo"""
_ROLES = {p.user_id: p.role for p in EVERYONE}


@dataclass(frozen=True)
class _Control:
    user: str
    channel: str | None
    ts: str | None
    view_id: str | None
    block_id: str
    element: dict[str, Any]


class Terminal:
    """One terminal session over a running demo workspace."""

    def __init__(self, demo: DemoWorkspace, typed: TextIO, out: TextIO) -> None:
        self.demo = demo
        self.lines: Iterator[str] = iter(typed.readline, "")
        # Typed answers are on screen already; piped ones are echoed so the transcript reads well.
        self.echo = not typed.isatty()
        self.out = out
        self.viewer = COORDINATOR_ID
        self.controls: list[_Control] = []
        self.shown = self._latest_seq()

    def say(self, text: str = "") -> None:
        """Print a line now."""
        print(text, file=self.out, flush=True)

    def run(self) -> None:
        """Answer the opening commands, then each line as it comes."""
        self.say(f"You are {self.demo.name_of(self.viewer)}, the programme coordinator.")
        self.say(INSTRUCTIONS)
        self.say()
        for text in OPENING_COMMANDS:
            self.handle(text)
        while True:
            if not self.echo:
                print("> ", end="", file=self.out, flush=True)
            line = next(self.lines, "")
            if not line.strip():
                self.say()
                return
            self.handle(line.strip())

    def handle(self, line: str) -> None:
        """Act on one typed line and show what came of it."""
        if line.startswith(":"):
            self._instruction(line[1:].split())
        else:
            text = line.removeprefix("/cohort").strip()
            self.say(f"> /cohort {text}")
            self.demo.command(self.viewer, text)
        self._show_new()
        self._fill_forms()

    # ------------------------------------------------------------------------ instructions
    def _instruction(self, words: list[str]) -> None:
        verb = words[0] if words else "help"
        if verb == "as" and len(words) > 1:
            handle = words[1].removeprefix("@")
            found = [uid for uid, h, _n in self.demo.people() if h == handle]
            if not found:
                self.say(f"Nobody here is called @{handle}; :people lists everyone.")
                return
            self.viewer = found[0]
            self.say(
                f"You are now {self.demo.name_of(self.viewer)} ({_ROLES.get(self.viewer, 'member')})."
            )
        elif verb == "people":
            for user_id, handle, name in self.demo.people():
                self.say(f"  @{handle:<8} {name} ({_ROLES.get(user_id, 'member')})")
        elif verb in ("next", "day", "week"):
            before = self.demo.now()
            if verb == "next":
                self.demo.run_to_next_due()
            else:
                self.demo.run_for(timedelta(days=1 if verb == "day" else 7))
            self.say(f"The clock ran from {self._when(before)} to {self._when(self.demo.now())}.")
        elif verb == "press" and len(words) > 1 and words[1].isdigit():
            self._press(int(words[1]))
        elif verb == "home":
            home = self.demo.open_home(self.viewer)
            self.say(f"── Home tab of {self.demo.name_of(self.viewer)} ──")
            if home is not None:
                self.say(
                    self._blocks(home.view.get("blocks") or [], self.viewer, None, None, home.id)
                )
        else:
            self.say(INSTRUCTIONS)

    def _press(self, number: int) -> None:
        if not 1 <= number <= len(self.controls):
            self.say(f"There is no button {number}.")
            return
        control = self.controls[number - 1]
        element = control.element
        action: dict[str, Any] = {
            "block_id": control.block_id,
            "action_id": element.get("action_id"),
        }
        if element.get("type") == "button":
            action.update(type="button", text=element.get("text"))
            if element.get("value") is not None:
                action["value"] = element["value"]
        else:
            options = options_of(element)
            if not options:
                self.say("The terminal can press buttons and menus only.")
                return
            picked = self._choose(options)
            if picked is None:
                return
            action.update(type=element.get("type"), selected_option=picked)
        self.say(f"{self.demo.name_of(control.user)} pressed {number}.")
        self.demo.click(
            control.user, action, channel=control.channel, ts=control.ts, view_id=control.view_id
        )

    def _choose(self, options: list[dict[str, Any]]) -> dict[str, Any] | None:
        for index, option in enumerate(options, 1):
            self.say(f"  {index}. {option.get('text', {}).get('text')}")
        print("  which? ", end="", file=self.out, flush=True)
        answer = self._read_answer()
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        self.say("  (nothing chosen)")
        return None

    # ------------------------------------------------------------------------ showing
    def _when(self, instant: Any) -> str:
        return format_when(instant, self.demo.zone)

    def _latest_seq(self) -> int:
        return max((e.seq for e in self._everything()), default=0)

    def _everything(self) -> list[Entry]:
        entries: list[Entry] = []
        channels = {c for c, _n in self.demo.channels(self.viewer)}
        channels |= {self.demo.dm_of(uid) for uid, _h, _n in self.demo.people()}
        for channel in channels:
            owner = self._dm_owner(channel)
            entries.extend(self.demo.timeline(owner or self.viewer, channel))
        return sorted(entries, key=lambda e: e.seq)

    def _dm_owner(self, channel: str) -> str | None:
        return next(
            (uid for uid, _h, _n in self.demo.people() if self.demo.dm_of(uid) == channel), None
        )

    def _show_new(self) -> None:
        for entry in self._everything():
            if entry.seq <= self.shown:
                continue
            owner = self._dm_owner(entry.channel)
            if entry.ephemeral and entry.viewer != self.viewer and owner != self.viewer:
                continue
            if owner is not None and owner != self.viewer:
                where = f"DM to {self.demo.name_of(owner)}"
            elif owner is not None:
                where = "your DM with cohortbot"
            else:
                where = self.demo.channel_name(entry.channel)
            note = " · only visible to you" if entry.ephemeral else ""
            self.say(f"── {where} · {self._when(entry.at)}{note} ──")
            if entry.blocks:
                self.say(
                    self._blocks(
                        entry.blocks,
                        entry.viewer or owner or self.viewer,
                        entry.channel,
                        entry.ts,
                        None,
                    )
                )
            else:
                self.say(mrkdwn_to_text(entry.text, self.demo.name_of, self.demo.channel_name))
            for file in entry.files:
                self.say(f"  📎 {file.get('title') or file.get('name')}")
        self.shown = max(self.shown, self._latest_seq())

    def _blocks(
        self,
        blocks: list[dict[str, Any]],
        user: str,
        channel: str | None,
        ts: str | None,
        view_id: str | None,
    ) -> str:
        def number(block_id: str, element: dict[str, Any]) -> int:
            self.controls.append(_Control(user, channel, ts, view_id, block_id, element))
            return len(self.controls)

        return blocks_to_text(blocks, self.demo.name_of, self.demo.channel_name, number)

    # ------------------------------------------------------------------------ forms
    def _fill_forms(self) -> None:
        """Fill in whatever form is open for the viewer, field by field, until it closes."""
        for _round in range(10):
            modal = self.demo.open_modal(self.viewer)
            if modal is None:
                return
            view = modal.view.view
            title = str((view.get("title") or {}).get("text", "Form"))
            self.say(f"┌─ Form: {title} ─")
            for block in view.get("blocks") or []:
                if block.get("type") != "input":
                    self.say(
                        "│ "
                        + self._blocks([block], self.viewer, None, None, modal.view.id).replace(
                            "\n", "\n│ "
                        )
                    )
            if not view.get("submit"):
                self.say("└─ (closed)")
                self.demo.close(modal.view.id)
                return
            self.say(
                "│ Type each answer and press Enter (Enter alone keeps what is shown; '-' leaves it empty)."
            )
            chosen = dict(modal.chosen)
            for block_id, element in input_elements(view):
                if modal.errors and block_id not in modal.errors:
                    continue
                chosen[block_id] = self._ask(
                    view, block_id, element, chosen.get(block_id), modal.errors.get(block_id)
                )
            self.say("└─")
            self.demo.submit(self.viewer, modal.view.id, chosen)
            self._show_new()

    def _read_answer(self) -> str:
        answer = next(self.lines, "").strip()
        if self.echo:
            self.say(answer)
        return answer

    def _ask(
        self,
        view: dict[str, Any],
        block_id: str,
        element: dict[str, Any],
        current: list[str] | None,
        error: str | None,
    ) -> list[str]:
        from bot.demo.forms import initial_choices

        block = next(b for b in view.get("blocks") or [] if b.get("block_id") == block_id)
        label = str((block.get("label") or {}).get("text", block_id))
        shown = current if current is not None else initial_choices(element)
        options = options_of(element)
        kind = str(element.get("type"))
        if error:
            self.say(f"│ ! {label}: {error}")
        if options:
            for index, option in enumerate(options, 1):
                self.say(f"│     {index}. {option.get('text', {}).get('text')}")
            hint = (
                "number(s), comma-separated"
                if kind in ("checkboxes", "multi_static_select")
                else "number"
            )
        elif kind.startswith(("users_select", "multi_users_select")):
            hint = "@handle"
        elif kind == "datepicker":
            hint = "YYYY-MM-DD"
        elif kind == "timepicker":
            hint = "HH:MM"
        elif kind.endswith("conversations_select") or kind.endswith("channels_select"):
            hint = "#channel"
        else:
            hint = "text"
        optional = " (optional)" if block.get("optional") else ""
        print(
            f"│ {label}{optional} [{hint}] {'=' + ','.join(shown) if shown else ''}: ",
            end="",
            file=self.out,
            flush=True,
        )
        answer = self._read_answer()
        if answer == "":
            return list(shown)
        if answer == "-":
            return []
        if options:
            picked = []
            for part in answer.split(","):
                part = part.strip()
                if part.isdigit() and 1 <= int(part) <= len(options):
                    picked.append(str(options[int(part) - 1].get("value")))
                else:
                    picked.append(part)
            return picked
        if hint == "@handle":
            handles = {h: uid for uid, h, _n in self.demo.people()}
            return [handles.get(a.strip().removeprefix("@"), a.strip()) for a in answer.split(",")]
        if hint == "#channel":
            names = {n: c for c, n in self.demo.channels(self.viewer)}
            return [names.get(answer.removeprefix("#"), answer)]
        return [answer]


def run_terminal(demo: DemoWorkspace, typed: TextIO, out: TextIO) -> None:
    """Run the terminal demo until an empty line or the end of the input."""
    Terminal(demo, typed, out).run()
