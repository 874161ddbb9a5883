"""`cohortbot demo --terminal` (and piped input): each line answered as it comes, forms filled in."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fixtures.bot import clean_environment

ANSWER_SECONDS = 60


class RunningDemo:
    """The demo as a child process, with its output read line by line as it is printed."""

    def __init__(self, tmp_path: Path, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "demo", *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_environment(tmp_path),
            cwd=tmp_path,
            text=True,
        )
        self.seen: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)

    def type(self, line: str) -> None:
        """Type one line (and press Enter)."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, text: str) -> str:
        """Everything printed up to the line containing `text`; fails if it never comes."""
        while not any(text in line for line in self.seen):
            try:
                self.seen.append(self._lines.get(timeout=ANSWER_SECONDS))
            except queue.Empty:
                raise AssertionError(
                    f"{text!r} never came; the demo printed:\n{''.join(self.seen)}"
                ) from None
        return "".join(self.seen)

    def finish(self) -> str:
        """End the demo with an empty line; return the rest of what it printed."""
        self.type("")
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        self.process.wait(timeout=ANSWER_SECONDS)
        # Only this thread reads stdout, so it is joined rather than raced by communicate().
        self._reader.join(timeout=ANSWER_SECONDS)
        stderr = self.process.stderr.read()
        self.process.stderr.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        assert self.process.returncode == 0, stderr
        while not self._lines.empty():
            self.seen.append(self._lines.get())
        return "".join(self.seen)


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator[Callable[..., RunningDemo]]:
    """Start demos as child processes; any still running at the end is stopped."""
    started: list[RunningDemo] = []

    def start(*arguments: str) -> RunningDemo:
        started.append(RunningDemo(tmp_path, *arguments))
        return started[-1]

    yield start
    for demo in started:
        if demo.process.poll() is None:
            demo.process.kill()
            demo.process.wait(timeout=ANSWER_SECONDS)
        for pipe in (demo.process.stdin, demo.process.stdout, demo.process.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()


def test_each_line_is_answered_before_the_next_is_typed(
    start_demo: Callable[..., RunningDemo],
) -> None:
    demo = start_demo("--empty", "--terminal")
    demo.wait_for("*Your roles:* coordinator")

    demo.type("stauts")
    # The answer comes while the input is still open: nothing waits for the end of the input.
    demo.wait_for("Did you mean `/cohort status`?")
    demo.type("role add @ada coach")
    printed = demo.wait_for("coach")

    assert "Only visible to you" not in printed  # the terminal's wording is lower case
    assert "only visible to you" in printed
    output = demo.finish()
    assert "> /cohort stauts" in output


def test_a_form_is_filled_in_field_by_field_with_the_bots_errors(
    start_demo: Callable[..., RunningDemo],
) -> None:
    demo = start_demo("--empty", "--terminal")
    demo.wait_for("*Your roles:* coordinator")

    demo.type("programme add")
    demo.wait_for("Form: New programme")
    for answer in ("Emerging Leaders", "0", "", "", ""):
        demo.type(answer)
    printed = demo.wait_for("The length must be at least 1 month.")
    demo.type("12")
    printed = demo.wait_for("Saved the programme Emerging Leaders")

    assert printed.count("Form: New programme") == 2
    demo.type("programmes")
    demo.wait_for("Emerging Leaders")
    demo.finish()


def test_piped_input_is_the_terminal_demo_and_an_empty_line_ends_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--empty"],
        input="stauts\n\nnot sent\n",
        env=clean_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=ANSWER_SECONDS,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "COHORTBOT COMMANDS" in result.stdout
    assert "Did you mean `/cohort status`?" in result.stdout
    assert "not sent" not in result.stdout


def test_the_seeded_demo_says_who_is_in_the_workspace(
    start_demo: Callable[..., RunningDemo],
) -> None:
    demo = start_demo("--terminal")
    demo.wait_for("*Your roles:* coordinator")
    demo.type(":people")
    printed = demo.wait_for("@sam")

    assert "@ada" in printed and "Ada Okafor (participant)" in printed
    demo.type("programmes")
    assert "Aspiring Directors" in demo.wait_for("Aspiring Directors")
    demo.finish()
