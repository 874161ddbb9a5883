"""`cohortbot demo` serves its page on 127.0.0.1 and prints where; `--year` needs `--out`."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.cli.serving import free_port
from tests.demo.test_terminal import ANSWER_SECONDS, RunningDemo
from tests.fixtures.bot import clean_environment


def test_the_demo_prints_the_pages_address_and_serves_it(tmp_path: Path) -> None:
    port = free_port()
    demo = RunningDemo(tmp_path, "--empty", "--no-browser", "--port", str(port))
    try:
        printed = demo.wait_for("The demo workspace is at")
        url = f"http://127.0.0.1:{port}/"
        assert url in printed
        with urllib.request.urlopen(url + "?as=U0ADA", timeout=ANSWER_SECONDS) as response:
            page = response.read().decode()
        assert response.status == 200
        assert 'Viewing as <b id="viewer">Ada Okafor</b>' in page
        assert 'href="/static/demo.css"' in page
        with urllib.request.urlopen(url + "static/demo.js", timeout=ANSWER_SECONDS) as response:
            assert response.headers["Content-Type"] == "text/javascript"
    finally:
        demo.process.terminate()
        demo.process.wait(timeout=ANSWER_SECONDS)
        for pipe in (demo.process.stdin, demo.process.stdout, demo.process.stderr):
            if pipe is not None:
                pipe.close()


def test_the_year_without_a_directory_says_what_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--year"],
        env=clean_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=ANSWER_SECONDS,
        check=False,
    )

    assert result.returncode == 2
    assert "cohortbot: demo --year needs --out DIR" in result.stderr
