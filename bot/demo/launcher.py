"""Starting the demo in the way asked for: the page (default), the terminal, or the scripted year."""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.core.clock import system_clock
from bot.core.settings import Settings
from bot.demo.page import DemoPage
from bot.demo.seed import seed
from bot.demo.workspace import DemoWorkspace
from bot.slack.web import RunningServer

# The demo's clock starts just before the morning's reminders go.
START_TIME = time(8, 30)


@dataclass(frozen=True)
class DemoOptions:
    """What `cohortbot demo` was asked to do."""

    empty: bool = False
    terminal: bool = False
    year: bool = False
    out: Path | None = None
    open_browser: bool = True
    port: int | None = None


def demo_start(today: date, settings: Settings) -> datetime:
    """When the demo's clock starts: the coming Monday (today, if it is one), 08:30."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime.combine(monday, START_TIME, tzinfo=settings.timezone)


def run_demo(
    settings: Settings,
    options: DemoOptions,
    typed: TextIO,
    out: TextIO,
    stop: threading.Event | None = None,
) -> int:
    """Run the demo; returns the exit status."""
    today = system_clock().astimezone(settings.timezone).date()
    if options.year:
        from bot.demo.year import play_year

        if options.out is None:
            print("cohortbot demo --year needs --out DIR, where the transcript goes", file=out)
            return 2
        index = play_year(settings, demo_start(today, settings), options.out, out)
        print(f"The year's transcript: {index}", file=out)
        return 0
    start = demo_start(today, settings)
    with DemoWorkspace.running(settings, start) as demo:
        if not options.empty:
            print(
                "Setting up the demo programme: 15 participants, groups and a timetable…",
                file=out,
                flush=True,
            )
            seed(demo, start.date())
        if options.terminal or (not typed.isatty() and not _wants_page(options)):
            from bot.demo.terminal import run_terminal

            run_terminal(demo, typed, out)
            return 0
        return _serve_page(demo, options, settings, out, stop)


def _wants_page(options: DemoOptions) -> bool:
    # Piped input means the terminal, unless the page was asked for by giving its port.
    return options.port is not None


def _serve_page(
    demo: DemoWorkspace,
    options: DemoOptions,
    settings: Settings,
    out: TextIO,
    stop: threading.Event | None,
) -> int:
    port = options.port if options.port is not None else settings.port
    try:
        server = RunningServer(DemoPage(demo), port=port).start()
    except OSError:
        server = RunningServer(DemoPage(demo), port=0).start()
    try:
        url = server.url + "/"
        print(f"The demo workspace is at {url}", file=out)
        print(
            'Open it, type `help` after /cohort, pick someone under "View as", and use the clock '
            "buttons to run the programme on. Ctrl+C stops the demo.",
            file=out,
            flush=True,
        )
        if options.open_browser and _can_open_browser():
            webbrowser.open(url)
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            print("Stopping the demo.", file=out)
    finally:
        server.stop()
    return 0


def _can_open_browser() -> bool:
    """A graphical browser can be opened (a console one would take the terminal over)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
