"""`cohortbot erase` and `cohortbot sar`: data-subject rights on the server, by e-mail address."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.cli.export import CLI_ACTOR
from bot.core.errors import CohortbotError, InvalidInput
from bot.privacy.erasure import erase_person, preview_erasure
from bot.privacy.subject_access import subject_access
from bot.privacy.subjects import person_by_email
from bot.runtime import Runtime
from bot.slack.handoff.queue import forget_handed_off
from db.engine import unit_of_work


def add_privacy_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `erase` and `sar` subcommands' arguments."""
    erase = commands.add_parser(
        "erase", help="erase everything personal about a person (lists what goes; --yes does it)"
    )
    erase.add_argument("--email", required=True, metavar="ADDRESS", help="the person's address")
    erase.add_argument("--yes", action="store_true", help="erase, having checked the list")
    sar = commands.add_parser(
        "sar", help="write everything held about a person (JSON and HTML) into a directory"
    )
    sar.add_argument("--email", required=True, metavar="ADDRESS", help="the person's address")
    sar.add_argument("--out", required=True, metavar="DIR", type=Path, help="where to write")


def run_privacy_command(
    args: argparse.Namespace, runtime: Runtime, stdout: TextIO, stderr: TextIO
) -> int:
    """Carry out `erase` or `sar`; 2 (and one line why) if it cannot be done."""
    try:
        runtime.prepare_database()
        lines = erase(args, runtime) if args.command == "erase" else write_sar(args, runtime)
    except CohortbotError as error:
        print(f"cohortbot: {error}", file=stderr)
        return 2
    for line in lines:
        print(line, file=stdout)
    return 0


def erase(args: argparse.Namespace, runtime: Runtime) -> list[str]:
    """Without --yes, what erasing the person would remove; with it, the erasure done."""
    now = runtime.clock()
    with unit_of_work(runtime.session_factory) as session:
        person_id = person_by_email(session, args.email).id
        if not args.yes:
            preview = preview_erasure(session, person_id=person_id)
            return [
                f"Erasing person {person_id} would remove:",
                *(f"  - {line}" for line in preview.goes),
                "Nothing was changed: run again with --yes to erase.",
            ]
        result = erase_person(session, person_id=person_id, actor=CLI_ACTOR, now=now)
    # A request of theirs still waiting for the worker holds their Slack id: it goes too.
    forget_handed_off(runtime.handoff_engine, result.slack_user_id or "")
    return [
        f"Erased person {person_id}: {result.records} records anonymised or removed, "
        f"{result.audit_values} values taken out of the audit trail."
    ]


def write_sar(args: argparse.Namespace, runtime: Runtime) -> list[str]:
    """Write the person's subject access export (JSON and HTML) into --out."""
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file, not a directory")
    now = runtime.clock()
    tz = runtime.settings.timezone
    with unit_of_work(runtime.session_factory) as session:
        person_id = person_by_email(session, args.email).id
        export, files = subject_access(
            session, person_id=person_id, actor=CLI_ACTOR, now=now, tz=tz
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        path = out / file.filename
        content = file.content
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        written.append(f"Wrote {path}.")
    written.append(f"{export.rows} records about person {person_id}; it holds personal data.")
    return written
