"""The digest's charts: real PNGs that read back as images, with alt text that gives the numbers."""

from __future__ import annotations

import io

import matplotlib.image

from bot.reporting.digest.charts import (
    MAX_CHART_COHORTS,
    CohortRates,
    SessionRate,
    attendance_alt_text,
    attendance_chart,
    talent_grid,
    talent_grid_alt_text,
)
from db.enums import Level

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COHORTS = [
    CohortRates("2017", [SessionRate("Workshop", 14, 15), SessionRate("ALS 1", 9, 15)]),
    CohortRates("2018", [SessionRate("Workshop", 10, 12), SessionRate("ALS 1", 0, 0)]),
]


def read_back(png: bytes) -> tuple[int, ...]:
    """The image's shape as matplotlib reads it (height, width, channels)."""
    assert png.startswith(PNG_SIGNATURE)
    return tuple(matplotlib.image.imread(io.BytesIO(png), format="png").shape)


def test_the_attendance_chart_is_a_png_that_reads_back() -> None:
    height, width, channels = read_back(attendance_chart(COHORTS))

    assert height > 300 and width > 600 and channels in (3, 4)


def test_the_attendance_alt_text_gives_each_rate_in_words() -> None:
    assert attendance_alt_text(COHORTS) == (
        "Line chart of the attendance rate at each session for 2 cohort(s). "
        "2017: Workshop 93% (14 of 15), ALS 1 60% (9 of 15); 2018: Workshop 83% (10 of 12)."
    )


def test_many_cohorts_chart_the_latest_and_say_so() -> None:
    many = [CohortRates(f"C{n}", [SessionRate("Workshop", n % 15, 15)]) for n in range(30)]

    assert read_back(attendance_chart(many))[0] > 300
    text = attendance_alt_text(many)
    assert text.startswith(
        f"Line chart of the attendance rate at each session for {MAX_CHART_COHORTS} cohort(s), "
        f"the latest {MAX_CHART_COHORTS} of 30."
    )
    assert "C29: Workshop 93% (14 of 15)" in text and "C21:" not in text


def test_no_sessions_yet_is_still_a_picture_and_says_so() -> None:
    assert read_back(attendance_chart([]))[2] in (3, 4)
    assert attendance_alt_text([]) == "Attendance rate by session: no sessions have been held yet."


def test_the_talent_grid_is_a_png_with_alt_text_for_every_box() -> None:
    counts = {(p, q): 0 for p in Level for q in Level}
    counts[(Level.HIGH, Level.HIGH)] = 3
    counts[(Level.MEDIUM, Level.HIGH)] = 5
    counts[(Level.LOW, Level.LOW)] = 1

    height, width, _ = read_back(talent_grid(counts))

    assert height > 300 and width > 300
    text = talent_grid_alt_text(counts)
    assert text.startswith(
        "Nine-box talent grid of 9 people assessed, by performance and potential."
    )
    assert "high performance, high potential: 3" in text
    assert "medium performance, high potential: 5" in text
    assert "low performance, low potential: 1" in text
    assert text.count(": 0") == 6


def test_an_empty_grid_says_nobody_is_assessed() -> None:
    assert read_back(talent_grid({}))[0] > 300
    assert talent_grid_alt_text({}) == "Nine-box talent grid: nobody has been assessed yet."


def test_dollar_signs_in_a_cohorts_name_are_drawn_not_parsed_as_maths() -> None:
    # Unescaped, matplotlib reads "$x^$" as maths that does not parse, and no digest goes out.
    priced = [CohortRates("Cohort $x^$ (budget $_)", [SessionRate("Workshop", 9, 10)])]

    assert read_back(attendance_chart(priced))[0] > 300
    assert attendance_alt_text(priced).endswith("Cohort $x^$ (budget $_): Workshop 90% (9 of 10).")


def test_rates_are_rounded_half_up_as_in_the_digest_message() -> None:
    # 1 of 8 is 12.5%: the message says 13% (bot.core.ratio), so the chart's words must too.
    assert SessionRate("ALS 2", 1, 8).percent == 13
    assert "ALS 2 13% (1 of 8)" in attendance_alt_text(
        [CohortRates("2019", [SessionRate("ALS 2", 1, 8)])]
    )
