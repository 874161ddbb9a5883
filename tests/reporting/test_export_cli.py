"""`cohortbot export`: the workbook or CSV files written to a directory, and clear refusals."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import build_parser
from bot.cli.export import run_export_command
from bot.runtime import Runtime
from db.engine import create_engine_for, make_session_factory, unit_of_work
from tests.reporting.test_export import EVIL, SHEETS, seed


def cohortbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def seeded_env(base_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    assert cohortbot("db", "upgrade", env=base_env, cwd=tmp_path).returncode == 0
    engine = create_engine_for(base_env["DATABASE_URL"])
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            seed(session)
    finally:
        engine.dispose()
    return base_env


def export(runtime: Runtime, *words: str) -> tuple[int, str, str]:
    """Run `cohortbot export *words` in this process, on the runtime's fixed clock."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_export_command(
        build_parser().parse_args(["export", *words]), runtime, stdout, stderr
    )
    return code, stdout.getvalue(), stderr.getvalue()


def test_xlsx_export_writes_a_dated_workbook_into_a_new_directory(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    env = seeded_env(base_env, tmp_path)

    result = cohortbot(
        "export", "--format", "xlsx", "--out", "exports/today", env=env, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    (written,) = (tmp_path / "exports" / "today").iterdir()
    assert re.fullmatch(r"cohortbot-export-\d{4}-\d{2}-\d{2}\.xlsx", written.name)
    assert f"Wrote exports/today/{written.name} (Participants: 4 rows," in result.stdout
    book = load_workbook(written)
    assert book.sheetnames == SHEETS
    assert book["Participants"]["D2"].value == "'" + EVIL


def test_csv_export_writes_one_file_per_sheet(base_env: dict[str, str], tmp_path: Path) -> None:
    env = seeded_env(base_env, tmp_path)

    result = cohortbot("export", "--format", "csv", "--out", "out", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    names = sorted(path.name.split("-", 5)[-1] for path in (tmp_path / "out").iterdir())
    assert names == [
        "applications.csv",
        "assessments.csv",
        "coaching.csv",
        "commitment-follow-ups.csv",
        "evaluation-responses.csv",
        "outcomes.csv",
        "participants.csv",
        "sessions-and-attendance.csv",
    ]
    assert len(result.stdout.strip().splitlines()) == len(SHEETS)
    (participants,) = (tmp_path / "out").glob("*-participants.csv")
    rows = list(csv.reader(io.StringIO(participants.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Email"]
    assert rows[1][0] == "Pat Participant" and rows[1][3] == "'" + EVIL


def test_a_bad_format_is_one_clear_line_and_writes_nothing(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    result = cohortbot("export", "--format", "pdf", "--out", "out", env=base_env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "cohortbot: --format must be xlsx or csv, not 'pdf'"
    ]
    assert not (tmp_path / "out").exists()


def test_the_file_is_dated_by_the_clock_and_can_be_one_cohorts(
    runtime: Runtime, tmp_path: Path
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    code, shown, _ = export(
        runtime, "--out", str(tmp_path), "--cohort", "Aspiring Directors", "2018"
    )

    assert code == 0
    written = tmp_path / "cohortbot-export-2017-02-01.xlsx"
    assert f"Wrote {written} (Participants: 1 row, Applications: 2 rows," in shown
    names = [row[0].value for row in load_workbook(written)["Participants"].iter_rows(min_row=2)]
    assert names == ["Olly Other"]


@pytest.mark.parametrize(
    ("words", "error"),
    [
        (("--format", "xlsx"), "cohortbot: export needs --out DIR"),
        (("--out", "{tmp}", "--cohort", "1999"), "cohortbot: No cohort called '1999'."),
        (("--out", "{tmp}/file.txt"), "cohortbot: --out {tmp}/file.txt is a file, not a directory"),
    ],
)
def test_bad_arguments_are_one_line_and_a_non_zero_exit(
    runtime: Runtime, tmp_path: Path, words: tuple[str, ...], error: str
) -> None:
    (tmp_path / "file.txt").write_text("not a directory")
    with unit_of_work(runtime.session_factory) as session:
        seed(session)

    code, shown, problem = export(runtime, *(word.format(tmp=tmp_path) for word in words))

    assert code == 2 and shown == ""
    (line,) = problem.splitlines()
    assert line.startswith(error.format(tmp=tmp_path))
