"""`cohortbot timetable import FILE` and `cohortbot history import FILE`: a timetable, and a
programme's past (coaching, attendance, outcomes), from CSV or XLSX on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.cli.imports import CLI_ACTOR, plain
from bot.core.errors import CohortbotError
from bot.programmes.timetable_import import apply_timetable, plan_timetable, preview
from bot.programmes.timetable_table import lines_of_file
from bot.reporting.history import apply_history, history_preview, plan_history
from bot.runtime import Runtime
from db.engine import unit_of_work


def add_timetable_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `timetable import` subcommand's arguments."""
    parser = commands.add_parser("timetable", help="import a programme's timetable")
    actions = parser.add_subparsers(dest="timetable_command", required=True, metavar="ACTION")
    importing = actions.add_parser("import", help="import a timetable from a CSV or XLSX file")
    importing.add_argument(
        "file", metavar="FILE", type=Path, help="the .csv or .xlsx file (see the README)"
    )
    importing.add_argument("--programme", help="the programme (when the file has no such column)")
    importing.add_argument(
        "--yes", action="store_true", help="import, warnings confirmed, without asking"
    )
    history = commands.add_parser("history", help="bring in a programme's past")
    past = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")
    bring = past.add_parser("import", help="past coaching, attendance and outcomes (CSV or XLSX)")
    bring.add_argument("file", metavar="FILE", type=Path, help="the .csv or .xlsx file")
    bring.add_argument("--yes", action="store_true", help="import without asking")


def run_timetable_command(
    args: argparse.Namespace, runtime: Runtime, stdin: TextIO, stdout: TextIO
) -> int:
    """Show every row as parsed with its warnings; import on confirmation; 1 if nothing was."""
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"cohortbot: cannot read {args.file}: {error}", file=stdout)
        return 1
    now = runtime.clock()
    try:
        lines = lines_of_file(args.file.name, content)
        with unit_of_work(runtime.session_factory) as session:
            plan = plan_timetable(session, lines, programme_name=args.programme)
            print(plain(preview(plan, now.date())), file=stdout)
            if not plan.can_import:
                return 1
            if not plan.changes:
                return 0
            count = len(plan.changes)
            question = f"Import {count} session{'' if count == 1 else 's'}"
            if plan.warnings:
                question += ", with the warnings above checked"
            if not args.yes and not _confirmed(question, stdin, stdout):
                print("Nothing was imported.", file=stdout)
                return 1
            # Planned and written in the one transaction, so what was previewed is what is written.
            apply_timetable(session, plan, confirmed=plan.fingerprint, actor=CLI_ACTOR, now=now)
    except CohortbotError as error:
        print(f"cohortbot: {error}", file=stdout)
        return 1
    print(f"Imported {count} session{'' if count == 1 else 's'}.", file=stdout)
    return 0


def _confirmed(question: str, stdin: TextIO, stdout: TextIO) -> bool:
    print(f"{question}? [y/N] ", end="", file=stdout, flush=True)
    return stdin.readline().strip().lower() in {"y", "yes"}


def run_history_command(
    args: argparse.Namespace, runtime: Runtime, stdin: TextIO, stdout: TextIO
) -> int:
    """Bring in a programme's past (coaching, attendance, outcomes); nothing is sent to anyone."""
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"cohortbot: cannot read {args.file}: {error}", file=stdout)
        return 1
    now = runtime.clock()
    try:
        lines = lines_of_file(args.file.name, content)
        with unit_of_work(runtime.session_factory) as session:
            plan = plan_history(session, lines, now=now)
            print(plain(history_preview(plan)), file=stdout)
            if not plan.can_import:
                return 1
            if not plan.new:
                return 0
            count = len(plan.new)
            question = f"Bring in {count} past record{'' if count == 1 else 's'}"
            if not args.yes and not _confirmed(question, stdin, stdout):
                print("Nothing was imported.", file=stdout)
                return 1
            apply_history(session, plan, actor=CLI_ACTOR, now=now)
    except CohortbotError as error:
        print(f"cohortbot: {error}", file=stdout)
        return 1
    print(f"Brought in {count} past record{'' if count == 1 else 's'}.", file=stdout)
    return 0
