"""The reminders benchmark runs end to end on a tiny data set and reports a clean dispatch."""

from __future__ import annotations

import io
import re

from tests.benchmarks import ack_benchmark, digest_benchmark, first_pass_benchmark
from tests.benchmarks.reminders_benchmark import main

ROWS = (
    "participants",
    "planning calls",
    "planning per call (mean)",
    "statements per call (max)",
    "dispatch rate",
    "fraction of limit",
    "429s",
    "duplicates",
    "losses",
)


def figure(report: str, name: str) -> str:
    match = re.search(rf"^  {re.escape(name)}\s+(.+)$", report, re.MULTILINE)
    assert match is not None, f"no {name!r} row in:\n{report}"
    return match.group(1).strip()


def test_benchmark_prints_every_figure_with_no_duplicates_or_losses() -> None:
    out = io.StringIO()
    arguments = ["--participants", "30", "--cohorts", "1", "--plan-stride", "20"]
    arguments += ["--sample-day-calls", "3", "--send-sample", "10"]
    arguments += ["--rate-per-minute", "6000", "--send-rate", "6000"]

    assert main(arguments, out) == 0

    report = out.getvalue()
    for name in ROWS:
        figure(report, name)
    assert figure(report, "participants") == "30"
    assert figure(report, "dispatch sample") == "10"
    assert figure(report, "delivered").startswith("10 in ")
    assert figure(report, "duplicates") == "0"
    assert figure(report, "losses") == "0"
    assert figure(report, "stand-in contract problems") == "0"
    assert "Statements in the busiest planning call, by source" in report
    assert figure(report, "busiest planning call").split()[1] == "owed"
    assert "Query plans of the busiest planning call" in report
    assert "outbound_message" in report.split("Query plans of the busiest planning call")[1]


def test_digest_benchmark_prints_time_statements_and_memory() -> None:
    out = io.StringIO()

    assert digest_benchmark.main(["--participants", "30", "--cohorts", "3"], out) == 0

    report = out.getvalue()
    assert figure(report, "participants") == "30"
    assert figure(report, "cohorts") == "3 in 1 programme"
    assert figure(report, "figures result").startswith("30 participants, 3 cohorts, ")
    assert int(figure(report, "figures statements")) > 0
    assert figure(report, "digest time").endswith(" ms (first call)")
    assert figure(report, "digest peak memory").endswith(" MiB")
    assert "attendance" in figure(report, "digest result") and ".xlsx" in figure(
        report, "digest result"
    )
    assert figure(report, "export result").endswith(" KiB")
    assert figure(report, "export CPU time, warm").endswith(" ms")
    for part in ("reading", "writing"):
        for how in ("running", "paused"):
            assert re.fullmatch(
                r"\d+ ms \(CPU \d+ ms\)", figure(report, f"export {part}, warm, GC {how}")
            )
    writers = dict(re.findall(r"^  writer: (.+?)\s{2,}(.+)$", report, re.MULTILINE))
    assert {name.split()[0] for name in writers} == {
        "rustpy-xlsxwriter,",
        "XlsxWriter",
        "openpyxl",
        "PyExcelerate",
        "fastxlsx",
    }
    for name, result in writers.items():
        # fastxlsx writes values only: no bold, frozen or filtered header, no date formats.
        expected = "formatting lost" if name == "fastxlsx" else "formatting kept"
        assert expected in result, f"{name}: {result}"


def test_ack_benchmark_drives_both_apps_and_prints_every_figure() -> None:
    out = io.StringIO()
    arguments = ["--participants", "40", "--cohorts", "2", "--people", "6", "--think", "0.2"]
    arguments += ["--slice", "0.5", "--turns", "1", "--repeats", "1"]

    assert ack_benchmark.main(arguments, out) == 0

    report = out.getvalue()
    for kind in ack_benchmark.KINDS:
        for app in ack_benchmark.APPS:
            assert figure(report, f"{kind}, {app}").startswith("n=")
        assert figure(report, f"{kind}, ratio").startswith("p50 ")
    for app in ack_benchmark.APPS:
        assert int(figure(report, f"{app} requests")) > 0
        assert figure(report, f"{app} errors") == "0"
        assert figure(report, f"{app} stand-in contract problems") == "0"
        assert figure(report, f"{app} CPU per request").endswith(" ms")
        assert "MiB peak" in figure(report, f"{app} memory")
    assert float(figure(report, "cohortbot Web API calls per request")) > 0


def test_first_pass_benchmark_works_a_backlog_off_in_batches_and_prints_every_tick() -> None:
    out = io.StringIO()
    arguments = ["--participants", "40", "--cohorts", "2", "--minutes", "2", "--batch-rows", "15"]

    assert first_pass_benchmark.main(arguments, out) == 0

    report = out.getvalue()
    assert figure(report, "participants") == "40"
    assert figure(report, "baseline requests") == "40 for 40 people"
    assert figure(report, "request DMs owed") == "40"
    assert figure(report, "worst wait past due").endswith(" s")
    assert "load average" in figure(report, "machine")
    milestones = re.search(r"^  open-milestone-evaluations\s+900\s+(\d+)\s+(\d+)", report, re.M)
    assert milestones is not None, report
    # 40 baseline forms in batches of 15: two follow-up passes after the first.
    assert int(milestones.group(2)) == 2
