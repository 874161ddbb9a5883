"""The digest's pictures: attendance by session and the nine-box talent grid, as PNG bytes.

Each chart comes with alt text that says in words what the picture shows, numbers included, for
people who cannot see it. Only counts and rates appear: no chart names an individual.

matplotlib (with numpy and Pillow, about 40 MiB) is imported when a chart is first drawn, not when
this module is: the web process imports the digest for `/cohort report` but draws charts rarely,
and the clock process draws them once a week.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from bot.core.ratio import Ratio
from db.enums import Level

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# More lines than this are unreadable on one chart; the workbook has the rest.
MAX_CHART_COHORTS = 8
# Alt text longer than this is a burden to listen to; it says how much it left out.
MAX_ALT_TEXT = 1000
LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)
_LEVEL_NAMES = {Level.LOW: "low", Level.MEDIUM: "medium", Level.HIGH: "high"}


@dataclass(frozen=True)
class SessionRate:
    """How many of those invited to one session attended it."""

    label: str
    attended: int
    invited: int

    @property
    def percent(self) -> int | None:
        """The attendance rate as a whole percentage (as the digest rounds it); None if 0 invited."""
        return Ratio(self.attended, self.invited).percent


@dataclass(frozen=True)
class CohortRates:
    """One cohort's sessions so far, in date order."""

    cohort: str
    sessions: Sequence[SessionRate]


@cache
def _matplotlib() -> tuple[Any, Any]:
    """matplotlib's Figure and Rectangle, imported on first use with no display (Agg)."""
    import matplotlib

    # No display on a server: draw straight to memory.
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    return Figure, Rectangle


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def _charted(cohorts: Sequence[CohortRates]) -> list[CohortRates]:
    with_sessions = [c for c in cohorts if any(s.percent is not None for s in c.sessions)]
    # The latest cohorts are the ones a steering group is watching.
    return with_sessions[-MAX_CHART_COHORTS:]


def _literal(text: str) -> str:
    """`text` with its dollar signs escaped, so that matplotlib draws it as it was typed.

    A pair of "$" would start maths, and maths that does not parse would stop the whole digest.
    """
    return text.replace("$", r"\$")


def attendance_chart(cohorts: Sequence[CohortRates]) -> bytes:
    """A line per cohort: the attendance rate (%) at each session, numbered in date order."""
    shown = _charted(cohorts)
    figure_type, _ = _matplotlib()
    figure = figure_type(figsize=(8, 4.5))
    axes = figure.subplots()
    for cohort in shown:
        points = [
            (number, rate.percent)
            for number, rate in enumerate(cohort.sessions, start=1)
            if rate.percent is not None
        ]
        axes.plot(
            [n for n, _ in points],
            [p for _, p in points],
            marker="o",
            label=_literal(cohort.cohort),
        )
    title = "Attendance rate by session"
    if len(shown) < len(cohorts):
        title += f" (latest {len(shown)} of {len(cohorts)} cohorts)"
    axes.set_title(title, fontsize=13)
    axes.set_xlabel("Session (in date order)", fontsize=11)
    axes.set_ylabel("Attended (% of invited)", fontsize=11)
    axes.set_ylim(0, 105)
    axes.grid(axis="y", alpha=0.3)
    longest = max((len(c.sessions) for c in shown), default=1)
    axes.set_xticks(range(1, longest + 1))
    if shown:
        axes.legend(title="Cohort", fontsize=9, loc="lower left")
    else:
        axes.text(0.5, 0.5, "No sessions held yet", ha="center", va="center", fontsize=12)
    return _png(figure)


def _shorten(text: str) -> str:
    if len(text) <= MAX_ALT_TEXT:
        return text
    return text[: MAX_ALT_TEXT - 40].rsplit(";", 1)[0] + "; and more, in the attached workbook."


def attendance_alt_text(cohorts: Sequence[CohortRates]) -> str:
    """The attendance chart in words: each charted cohort's rate at each session."""
    shown = _charted(cohorts)
    if not shown:
        return "Attendance rate by session: no sessions have been held yet."
    parts = []
    for cohort in shown:
        rates = ", ".join(
            f"{rate.label} {rate.percent}% ({rate.attended} of {rate.invited})"
            for rate in cohort.sessions
            if rate.percent is not None
        )
        parts.append(f"{cohort.cohort}: {rates}")
    lead = f"Line chart of the attendance rate at each session for {len(shown)} cohort(s)"
    if len(shown) < len(cohorts):
        lead += f", the latest {len(shown)} of {len(cohorts)}"
    return _shorten(lead + ". " + "; ".join(parts) + ".")


NineBox = Mapping[tuple[Level, Level], int]
"""Counts by (performance, potential)."""


def talent_grid(counts: NineBox) -> bytes:
    """The nine-box grid: performance across, potential up, each box showing how many people."""
    figure_type, rectangle = _matplotlib()
    figure = figure_type(figsize=(6, 6))
    axes = figure.subplots()
    most = max(counts.values(), default=0) or 1
    for column, performance in enumerate(LEVELS):
        for row, potential in enumerate(LEVELS):
            count = counts.get((performance, potential), 0)
            # Darker where more people are, so the shape of the cohort shows at a glance.
            shade = 0.15 + 0.6 * count / most
            axes.add_patch(
                rectangle((column, row), 1, 1, facecolor=(0.1, 0.4, 0.7, shade), edgecolor="white")
            )
            axes.text(column + 0.5, row + 0.5, str(count), ha="center", va="center", fontsize=20)
    ticks = [0.5, 1.5, 2.5]
    names = [_LEVEL_NAMES[level].capitalize() for level in LEVELS]
    axes.set_xticks(ticks, names, fontsize=11)
    axes.set_yticks(ticks, names, fontsize=11)
    axes.set_xlim(0, 3)
    axes.set_ylim(0, 3)
    axes.set_xlabel("Performance", fontsize=12)
    axes.set_ylabel("Potential", fontsize=12)
    axes.set_title(f"Talent grid: {sum(counts.values())} people assessed", fontsize=13)
    axes.set_aspect("equal")
    return _png(figure)


def talent_grid_alt_text(counts: NineBox) -> str:
    """The talent grid in words: how many people are in each of the nine boxes."""
    total = sum(counts.values())
    if not total:
        return "Nine-box talent grid: nobody has been assessed yet."
    boxes = "; ".join(
        f"{_LEVEL_NAMES[performance]} performance, {_LEVEL_NAMES[potential]} potential: "
        f"{counts.get((performance, potential), 0)}"
        for potential in reversed(LEVELS)
        for performance in LEVELS
    )
    return (
        f"Nine-box talent grid of {total} people assessed, by performance and potential. {boxes}."
    )
