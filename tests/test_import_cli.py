"""`cohortbot import FILE.csv` as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import create_engine_for, make_session_factory, unit_of_work
from db.models import Application
from tests.fixtures.bot import clean_environment
from tests.support.applications import seed_programme
from tests.test_import import GOOD, csv_text, row


def cohortbot(
    *args: str, env: dict[str, str], cwd: Path, answer: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `cohortbot *args` as a subprocess, typing `answer` at any prompt."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        input=answer,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def prepared(tmp_path: Path) -> tuple[dict[str, str], sessionmaker[Session]]:
    env = clean_environment(tmp_path)
    assert cohortbot("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    db = make_session_factory(create_engine_for(env["DATABASE_URL"]))
    seed_programme(db)
    return env, db


def count(db: sessionmaker[Session]) -> int:
    with unit_of_work(db) as session:
        return session.scalar(select(func.count(Application.id))) or 0


def test_import_with_yes_writes_once_and_a_repeat_changes_nothing(tmp_path: Path) -> None:
    env, db = prepared(tmp_path)
    (tmp_path / "in.csv").write_text(GOOD)

    first = cohortbot("import", "in.csv", "--yes", env=env, cwd=tmp_path)
    again = cohortbot("import", "in.csv", "--yes", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert (
        "Ready to import 2 applications" in first.stdout
        and "Imported 2 applications." in first.stdout
    )
    assert (
        again.returncode == 0
        and "Ready to import 0 applications (2 already imported" in again.stdout
    )
    assert count(db) == 2


def test_a_file_with_errors_writes_nothing(tmp_path: Path) -> None:
    env, db = prepared(tmp_path)
    (tmp_path / "bad.csv").write_text(csv_text(row(), row(email="sam@example.org", region="Mars")))

    result = cohortbot("import", "bad.csv", "--yes", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert "Row 3, column region: 'Mars' is not one of" in result.stdout
    assert count(db) == 0


def test_without_yes_it_asks_and_no_means_nothing_is_written(tmp_path: Path) -> None:
    env, db = prepared(tmp_path)
    (tmp_path / "in.csv").write_text(csv_text({**row(), "programme": ""}))

    answered = cohortbot(
        "import", "in.csv", "--programme", "Aspirant Directors", env=env, cwd=tmp_path, answer="n\n"
    )

    assert (
        "Import 1 application? [y/N]" in answered.stdout
        and "Nothing was imported." in answered.stdout
    )
    assert answered.returncode == 1 and count(db) == 0
