"""`cohortbot timetable import FILE` as a real subprocess."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import create_engine_for, make_session_factory, unit_of_work
from db.models import ProgrammeSession
from tests.applications.test_import_cli import cohortbot
from tests.fixtures.bot import clean_environment
from tests.programmes.test_timetable_import import WEEKEND, setup


def prepared(tmp_path: Path) -> tuple[dict[str, str], sessionmaker[Session]]:
    env = clean_environment(tmp_path)
    assert cohortbot("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    db = make_session_factory(create_engine_for(env["DATABASE_URL"]))
    with unit_of_work(db) as session:
        setup(session)
    return env, db


def sessions(db: sessionmaker[Session]) -> int:
    with unit_of_work(db) as session:
        return session.scalar(select(func.count(ProgrammeSession.id))) or 0


def test_the_preview_asks_once_for_the_warnings_and_a_repeat_changes_nothing(
    tmp_path: Path,
) -> None:
    env, db = prepared(tmp_path)
    (tmp_path / "timetable.csv").write_text(
        WEEKEND.replace("\t", ",").replace("3 and 17 October 2018", '"3 and 17 October 2018"')
    )

    declined = cohortbot(
        "timetable", "import", "timetable.csv", env=env, cwd=tmp_path, answer="n\n"
    )
    accepted = cohortbot(
        "timetable", "import", "timetable.csv", env=env, cwd=tmp_path, answer="y\n"
    )
    again = cohortbot("timetable", "import", "timetable.csv", "--yes", env=env, cwd=tmp_path)

    assert declined.returncode == 1 and "Nothing was imported." in declined.stdout
    assert "Row 7 (Social, 2018): Sat 15 Sep 2018 is a weekend." in declined.stdout
    assert "Import 7 sessions, with the warnings above checked? [y/N]" in declined.stdout
    assert accepted.returncode == 0 and "Imported 7 sessions." in accepted.stdout
    assert again.returncode == 0 and "0 sessions to import (7 already there" in again.stdout
    assert sessions(db) == 7


def test_a_file_with_an_impossible_date_imports_nothing(tmp_path: Path) -> None:
    env, db = prepared(tmp_path)
    (tmp_path / "t.csv").write_text(
        "cohort,kind,title,dates,location,compulsory\n2018,Workshop,Launch,30-32 January 2019,Leeds,yes\n"
    )

    result = cohortbot("timetable", "import", "t.csv", "--yes", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert (
        "Row 2, column dates: '30-32 January 2019': 32 January 2019 is not a real date"
        in result.stdout
    )
    assert sessions(db) == 0
