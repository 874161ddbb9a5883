"""`cohortbot import FILE.csv`: the command-line way to import applications."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.applications.importing import (
    placements_summary,
    plan_import,
    preview,
    read_file,
    run_import,
)
from bot.core.errors import CohortbotError
from bot.runtime import Runtime
from bot.slack.files import email_lookup
from db.engine import unit_of_work

CLI_ACTOR = "cli"


def add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `import` subcommand's arguments."""
    parser = commands.add_parser("import", help="import applications from a CSV file")
    parser.add_argument(
        "file", metavar="FILE.csv", type=Path, help="the CSV file (see the README for columns)"
    )
    parser.add_argument("--programme", help="programme for rows with no programme column")
    parser.add_argument(
        "--round", dest="round_name", help="advertising round for rows with no round column"
    )
    parser.add_argument("--yes", action="store_true", help="import without asking for confirmation")


def run_import_command(
    args: argparse.Namespace, runtime: Runtime, stdin: TextIO, stdout: TextIO
) -> int:
    """Check the file, show the preview, and import on confirmation; 1 when nothing was imported."""
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cohortbot: cannot read {args.file}: {error}", file=stdout)
        return 1
    lookup: Callable[[str], str | None] = (
        email_lookup(runtime.client) if runtime.settings.slack_bot_token else (lambda _email: None)
    )
    try:
        parsed = read_file(
            text, lookup=lookup, programme=args.programme, round_name=args.round_name
        )
        with unit_of_work(runtime.session_factory) as session:
            plan = plan_import(session, parsed)
        print(plain(preview(plan)), file=stdout)
        if not plan.can_import:
            return 1
        if not plan.new:
            return 0
        if not args.yes and not _confirmed(len(plan.new), stdin, stdout):
            print("Nothing was imported.", file=stdout)
            return 1
        now = runtime.clock()
        with unit_of_work(runtime.session_factory) as session:
            # Planned again inside the writing transaction, so nothing changed in between.
            plan = plan_import(session, parsed)
            if not plan.can_import:
                print(plain(preview(plan)), file=stdout)
                return 1
            count = run_import(session, plan, slack_ids=parsed.slack_ids, actor=CLI_ACTOR, now=now)
    except CohortbotError as error:
        print(f"cohortbot: {error}", file=stdout)
        return 1
    imported = f"Imported {count} application{'' if count == 1 else 's'}."
    print(imported + placements_summary(plan), file=stdout)
    return 0


def plain(mrkdwn: str) -> str:
    """A Slack preview as terminal text."""
    # The preview is written for Slack; a terminal wants it without the markup and escapes.
    return (
        mrkdwn.replace("*", "")
        .replace("`", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _confirmed(count: int, stdin: TextIO, stdout: TextIO) -> bool:
    print(
        f"Import {count} application{'' if count == 1 else 's'}? [y/N] ",
        end="",
        file=stdout,
        flush=True,
    )
    return stdin.readline().strip().lower() in {"y", "yes"}
