"""`cohortbot export`: the export written to a directory, as one workbook or a CSV file per sheet."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO

from bot.core.audit import record_read
from bot.core.errors import CohortbotError
from bot.core.tables import ILLEGAL_CHARACTERS, Cell, Table, to_csv
from bot.programmes.programmes import resolve_cohort
from bot.reporting.export.workbook import (
    FILENAME_PREFIX,
    export_filename,
    export_tables,
    write_workbook,
)
from bot.runtime import Runtime
from db.engine import unit_of_work

# Who the audit trail says read the data when it is exported on the server.
CLI_ACTOR = "cli"

FORMATS = ("xlsx", "csv")


class ExportUsageError(CohortbotError):
    """The command line asks for an export that cannot be made; the message says why."""


def add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `export` subcommand's arguments."""
    parser = commands.add_parser(
        "export", help="write the programme's records to an Excel workbook or CSV files"
    )
    # Checked by `run_export_command` rather than argparse, for a one-line error.
    parser.add_argument("--format", default="xlsx", help="xlsx (the default) or csv")
    parser.add_argument("--out", metavar="DIR", type=Path, help="directory to write into")
    parser.add_argument(
        "--cohort",
        nargs="+",
        metavar="NAME",
        help='only this cohort, named as: "<programme>" "<cohort>"',
    )


def run_export_command(
    args: argparse.Namespace, runtime: Runtime, stdout: TextIO, stderr: TextIO
) -> int:
    """Write the export into `--out`, saying what was written; 2 (and one line why) if it cannot."""
    try:
        for line in write_export(args, runtime):
            print(line, file=stdout)
    except CohortbotError as error:
        print(f"cohortbot: {error}", file=stderr)
        return 2
    return 0


def write_export(args: argparse.Namespace, runtime: Runtime) -> list[str]:
    """Write the files `args` ask for; a line for each file written."""
    if args.format not in FORMATS:
        raise ExportUsageError(f"--format must be xlsx or csv, not '{args.format}'")
    if args.out is None:
        raise ExportUsageError("export needs --out DIR: the directory to write the export into")
    if args.out.exists() and not args.out.is_dir():
        raise ExportUsageError(f"--out {args.out} is a file, not a directory")
    runtime.prepare_database()
    now = runtime.clock()
    tz = runtime.settings.timezone
    with unit_of_work(runtime.session_factory) as session:
        cohort_id = resolve_cohort(session, args.cohort).id if args.cohort else None
        tables = export_tables(session, now, cohort_id=cohort_id)
        record_read(
            session,
            actor=CLI_ACTOR,
            what="export",
            scope=f"cohort:{cohort_id}" if cohort_id else "all",
            rows=sum(len(table.rows) for table in tables),
            now=now,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    if args.format == "xlsx":
        path = args.out / export_filename(now, tz)
        path.write_bytes(write_workbook(tables, tz=tz))
        return [f"Wrote {path} ({_sheets(tables)})."]
    written = []
    stem = export_filename(now, tz, extension="csv").removesuffix(".csv")
    for table in tables:
        path = args.out / f"{stem}-{_slug(table.name)}.csv"
        # With a byte-order mark, so Excel reads the file as UTF-8.
        path.write_text(csv_text(table), encoding="utf-8-sig", newline="")
        written.append(f"Wrote {path} ({_rows(len(table.rows))}).")
    return written


def csv_text(table: Table) -> str:
    """`table` as CSV, with the control characters the workbook drops dropped here too.

    `to_csv` neutralises text that starts a formula; dropping these first means one hidden in
    front of an "=" cannot slip past it.
    """
    printable = Table(
        table.name,
        tuple(ILLEGAL_CHARACTERS.sub("", header) for header in table.headers),
        [tuple(_printable(cell) for cell in row) for row in table.rows],
    )
    return to_csv(printable)


def _printable(cell: Cell) -> Cell:
    return ILLEGAL_CHARACTERS.sub("", cell) if isinstance(cell, str) else cell


def _sheets(tables: list[Table]) -> str:
    return ", ".join(f"{table.name}: {_rows(len(table.rows))}" for table in tables)


def _rows(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or FILENAME_PREFIX
