"""`cohortbot erase --email` and `cohortbot sar --email --out` on the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sqlalchemy as sa

from bot.cli import build_parser
from bot.cli.privacy import run_privacy_command
from bot.runtime import Runtime
from bot.slack.handoff.queue import hand_off, in_transaction
from db.engine import unit_of_work
from db.models import HandedOffRequest
from tests.fixtures.bot import NOW, PARTICIPANT
from tests.privacy.canary import EMAIL, SLACK_ID, build, canary_cells
from tests.reporting.test_export_cli import cohortbot


def run(runtime: Runtime, *words: str) -> tuple[int, str, str]:
    """Run `cohortbot *words` in this process, on the runtime's fixed clock."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_privacy_command(build_parser().parse_args(list(words)), runtime, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def left_behind(runtime: Runtime) -> set[str]:
    with unit_of_work(runtime.session_factory) as session:
        return {table for table, _, _ in canary_cells(session)}


def test_erase_lists_what_goes_then_erases_with_yes(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        canary = build(session)

    code, out, _ = run(runtime, "erase", "--email", EMAIL.upper())
    assert code == 0
    assert "diversity answers" in out and "run again with --yes" in out
    assert "person" in left_behind(runtime)

    code, out, _ = run(runtime, "erase", "--email", EMAIL, "--yes")
    assert code == 0
    assert out.startswith(f"Erased person {canary.person_id}:")
    assert left_behind(runtime) == {"erased_diversity_profile"}

    code, _, err = run(runtime, "erase", "--email", EMAIL, "--yes")
    assert (code, err) == (2, f"cohortbot: I hold no records about {EMAIL}.\n")


def test_erase_drops_their_requests_waiting_for_the_worker_and_no_one_elses(
    runtime: Runtime,
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        build(session)
    with runtime.handoff_engine.begin() as connection:
        hand_off(connection, f"user_id={SLACK_ID}&command=%2Fcohort&text=status", {}, NOW)
        theirs_too = hand_off(connection, f"user_id={PARTICIPANT}&text=status", {}, NOW)

    code, _, _ = run(runtime, "erase", "--email", EMAIL, "--yes")

    left = in_transaction(
        runtime.handoff_engine,
        lambda connection: list(connection.scalars(sa.select(HandedOffRequest.id))),
    )
    assert (code, left) == (0, [theirs_too])


def test_sar_writes_json_and_html_into_the_directory(runtime: Runtime, tmp_path: Path) -> None:
    with unit_of_work(runtime.session_factory) as session:
        canary = build(session)
    out = tmp_path / "requests"
    code, printed, _ = run(runtime, "sar", "--email", EMAIL, "--out", str(out))
    assert code == 0
    stem = f"subject-access-{canary.person_id}-2017-02-01"
    assert sorted(path.name for path in out.iterdir()) == [f"{stem}.html", f"{stem}.json"]
    document = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert document["records"]["application"][0]["supporting_statement"] == "My canary statement"
    assert "Quentin Canaryfield" in (out / f"{stem}.html").read_text(encoding="utf-8")
    assert "records about person" in printed


def test_bad_arguments_get_one_line(base_env: dict[str, str], tmp_path: Path) -> None:
    assert cohortbot("db", "upgrade", env=base_env, cwd=tmp_path).returncode == 0
    result = cohortbot("sar", "--email", "not-an-address", "--out", "x", env=base_env, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "cohortbot: 'not-an-address' is not an e-mail address.\n",
    )
    result = cohortbot("erase", "--email", "nobody@example.org", env=base_env, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "cohortbot: I hold no records about nobody@example.org.\n",
    )
