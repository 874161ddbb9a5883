"""The `cohortbot` command line: serve, worker, socket, scheduler, db upgrade, manifest."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.cli.export import add_export_parser, run_export_command
from bot.cli.imports import add_import_parser, run_import_command
from bot.cli.privacy import add_privacy_parsers, run_privacy_command
from bot.cli.timetable import add_timetable_parser, run_history_command, run_timetable_command
from bot.cli.worker import run_worker, worker_beside
from bot.core.clock import system_clock
from bot.core.logging_setup import configure_logging
from bot.core.settings import Settings, SettingsError, load_settings
from bot.evaluations.forms import FormDefinitionError
from bot.runtime import Runtime
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.manifest import render_manifest
from bot.slack.web import freeze_startup_objects, serve_forever
from scheduling.clock_lock import ClockAlreadyRunning, clock_lock
from scheduling.clock_process import parse_instant, run_forever, run_once

logger = logging.getLogger("cohortbot")

# Which settings each command cannot start without.
REQUIRED = {
    "serve": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    "worker": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "scheduler": ("SLACK_BOT_TOKEN",),
}


class UsageError(Exception):
    """A command-line argument is wrong; the message says which and why."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="cohortbot",
        description="A Slack bot for cohort-based leadership development programmes.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="serve Slack's Request URL and /healthz over HTTP on $PORT")
    worker = commands.add_parser(
        "worker",
        help="do the work of requests `serve` acknowledged (serve starts one itself)",
    )
    # The reading end of the pipe `serve` rings when it stores a request; without it the worker
    # looks at the database every second.
    worker.add_argument("--wake-fd", type=int, help=argparse.SUPPRESS)
    commands.add_parser("socket", help="connect to Slack over Socket Mode (no public URL needed)")
    scheduler = commands.add_parser(
        "scheduler", help="run the clock process that sends what is due"
    )
    scheduler.add_argument("--once", action="store_true", help="do one pass and exit")
    scheduler.add_argument(
        "--now",
        metavar="TIME",
        help="with --once: act as if it were TIME (ISO 8601, programme time zone unless an offset "
        "is given), e.g. 2017-02-01T09:00",
    )
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the latest schema")
    demo = commands.add_parser(
        "demo",
        help="try the bot in a local Slack-like workspace in your browser (no Slack needed)",
    )
    demo.add_argument("--empty", action="store_true", help="start with no programme")
    demo.add_argument(
        "--terminal", action="store_true", help="type /cohort commands in the terminal instead"
    )
    demo.add_argument(
        "--year", action="store_true", help="play a programme year and write it as HTML (--out)"
    )
    demo.add_argument("--out", metavar="DIR", help="with --year: where the transcript goes")
    demo.add_argument("--no-browser", action="store_true", help="print the page's URL only")
    demo.add_argument("--port", type=int, help="the page's port on 127.0.0.1 (default $PORT)")
    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument(
        "--url", help="public base URL of `cohortbot serve`, e.g. https://example.org"
    )
    manifest.add_argument("--socket", action="store_true", help="for Socket Mode (no URL needed)")
    add_import_parser(commands)
    add_timetable_parser(commands)
    add_export_parser(commands)
    add_privacy_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cohortbot` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(os.environ, require=REQUIRED.get(args.command, ()))
        return run(args, settings)
    except (SettingsError, UsageError, ClockAlreadyRunning, FormDefinitionError) as error:
        print(f"cohortbot: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out the parsed command."""
    if args.command == "manifest":
        if not args.url and not args.socket:
            raise UsageError("manifest needs --url https://your.host (or --socket for Socket Mode)")
        from handlers.commands import CATALOGUE
        from handlers.events import SUBSCRIBED_EVENTS

        manifest = render_manifest(args.url, CATALOGUE, SUBSCRIBED_EVENTS, socket_mode=args.socket)
        print(manifest, end="")
        return 0

    if args.command == "demo":
        # Imported only for the demo, so that the other processes never load the Slack stand-in.
        from bot.demo import DemoOptions, run_demo

        if args.year and not args.out:
            raise UsageError("demo --year needs --out DIR, the directory the transcript goes in")

        configure_logging(settings.secrets, level=logging.WARNING)
        options = DemoOptions(
            empty=args.empty,
            terminal=args.terminal,
            year=args.year,
            out=Path(args.out) if args.out else None,
            open_browser=not args.no_browser,
            port=args.port,
        )
        return run_demo(settings, options, sys.stdin, sys.stdout)
    if args.command == "export":
        # Quiet: the command says what it wrote, and a bad argument is one line.
        configure_logging(settings.secrets, level=logging.WARNING)
        return run_export_command(args, Runtime.build(settings), sys.stdout, sys.stderr)
    if args.command in ("erase", "sar"):
        configure_logging(settings.secrets, level=logging.WARNING)
        return run_privacy_command(args, Runtime.build(settings), sys.stdout, sys.stderr)
    once_at = scheduler_instant(args, settings)
    configure_logging(settings.secrets)
    runtime = Runtime.build(settings)
    if args.command == "worker":
        # `serve` migrated the database before starting it.
        freeze_startup_objects()
        return run_worker(runtime, args.wake_fd)
    runtime.prepare_database()
    if args.command == "db":
        logger.info("database is at the latest schema")
        return 0
    if args.command == "import":
        return run_import_command(args, runtime, sys.stdin, sys.stdout)
    if args.command == "timetable":
        return run_timetable_command(args, runtime, sys.stdin, sys.stdout)
    if args.command == "history":
        return run_history_command(args, runtime, sys.stdin, sys.stdout)
    if args.command == "serve":
        logger.info("serving Slack requests on port %d", settings.port)
        doorbell = Doorbell()
        app = runtime.wsgi_app(doorbell)
        with worker_beside(doorbell):
            freeze_startup_objects()
            serve_forever(app, settings.port)
        return 0
    if args.command == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(
            runtime.bolt_app(socket_mode=True), settings.slack_app_token, web_client=runtime.client
        )
        freeze_startup_objects()
        handler.start()  # type: ignore[no-untyped-call]
        return 0
    deps = runtime.tick_dependencies()
    # A busy planning pass makes tens of thousands of objects, and every full collection it
    # set off walked the few hundred thousand made at start too (README, Benchmarks).
    freeze_startup_objects()
    if once_at is None:
        with clock_lock(runtime.engine, wait=True):
            run_forever(deps, runtime.clock, settings.timezone)
        return 0
    # No clock lock: a pass beside a running clock interleaves with it tick by tick (clock_lock).
    for result in run_once(deps, once_at):
        print(f"{result.tick_id}: {result.summary}")
    return 0


def scheduler_instant(args: argparse.Namespace, settings: Settings) -> datetime | None:
    """For `scheduler --once`, the instant to act as of; None for every other command."""
    if args.command != "scheduler":
        return None
    if args.now and not args.once:
        raise UsageError("--now only makes sense with --once")
    if not args.once:
        return None
    if not args.now:
        return system_clock()
    try:
        return parse_instant(args.now, settings.timezone)
    except ValueError as error:
        raise UsageError(str(error)) from None
