"""`cohortbot import FILE.csv` as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.standin import SlackStandin
from db.engine import create_engine_for, make_session_factory, unit_of_work
from db.enums import ApplicationStatus, EnrolmentStatus
from db.models import Application, AuditEvent, Cohort, Enrolment, Person
from tests.applications.test_import import GOOD, SELECTED, csv_text, row, selected_file
from tests.fixtures.bot import NOW, clean_environment
from tests.support.applications import seed_programme


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


def test_a_cohort_column_enrols_matched_people_and_leaves_the_enrolled_alone(
    tmp_path: Path, database_url: str, db: sessionmaker[Session], standin: SlackStandin
) -> None:
    standin.add_user("UPAT0001", name="Pat Participant", email="pat@example.nhs.uk")
    standin.add_user("USAM0001", name="Sam Smith", email="sam@example.nhs.uk")
    seed_programme(db)
    with unit_of_work(db) as session:
        # Sam is enrolled already (say, added by hand before the spreadsheet came).
        sam = Person(name="Sam Smith", email="sam@example.nhs.uk", slack_user_id="USAM0001")
        cohort = session.scalars(select(Cohort)).one()
        session.add(
            Enrolment(person=sam, cohort=cohort, status=EnrolmentStatus.ENROLLED, enrolled_at=NOW)
        )
    env = {
        **clean_environment(tmp_path),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_API_URL": standin.api_url,
    }
    (tmp_path / "in.csv").write_text(SELECTED)

    first = cohortbot("import", "in.csv", "--yes", env=env, cwd=tmp_path)
    again = cohortbot("import", "in.csv", "--yes", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stdout + first.stderr
    assert "Cohort 1: 1 will be enrolled, 1 already there, left as they are." in first.stdout
    assert "Imported 2 applications. Cohort 1: 1 enrolled, 1 already there." in first.stdout
    assert again.returncode == 0 and "(2 already imported" in again.stdout
    with unit_of_work(db) as session:
        applications = session.scalars(select(Application).order_by(Application.id)).all()
        assert [a.status for a in applications] == [ApplicationStatus.ACCEPTED] * 2
        assert [
            (e.person.email, e.status, e.application_id)
            for e in session.scalars(select(Enrolment).order_by(Enrolment.id))
        ] == [
            ("sam@example.nhs.uk", EnrolmentStatus.ENROLLED, None),
            ("pat@example.nhs.uk", EnrolmentStatus.ENROLLED, applications[0].id),
        ]
        actors = set(session.scalars(select(AuditEvent.actor)))
        assert actors == {"cli"}


def test_a_cohort_row_needs_a_slack_account(
    tmp_path: Path, database_url: str, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    env = {**clean_environment(tmp_path), "DATABASE_URL": database_url}
    (tmp_path / "in.csv").write_text(selected_file(row(cohort="Cohort 1")))

    result = cohortbot("import", "in.csv", "--yes", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert "Row 2, column email: matches no Slack account" in result.stdout
    assert count(db) == 0
