"""The web process starts without the heavy libraries it uses only now and then."""

from __future__ import annotations

import json
import subprocess
import sys

# Charts (matplotlib, numpy, Pillow), the workbook writer and the Slack stand-in: about 45 MiB
# that `cohortbot serve` would otherwise hold from start to finish.
LOADED_ON_USE = (
    "matplotlib",
    "numpy",
    "PIL",
    "rustpy_xlsxwriter",
    "xlsxwriter",
    "openpyxl",
    "bot.standin",
)


def test_everything_cohortbot_serve_imports_leaves_the_heavy_libraries_for_later() -> None:
    script = (
        "import json, sys\n"
        "import bot.cli, bot.runtime, handlers, scheduling.ticks\n"
        "from bot.slack import rendering\n"
        "rendering.install()\n"
        f"print(json.dumps([m for m in {LOADED_ON_USE!r} if m in sys.modules]))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )

    assert json.loads(result.stdout) == []


def test_a_chart_still_draws_once_matplotlib_is_needed() -> None:
    from bot.reporting.digest.charts import LEVELS, talent_grid

    png = talent_grid(
        {(performance, potential): 1 for performance in LEVELS for potential in LEVELS}
    )

    assert png.startswith(b"\x89PNG")
