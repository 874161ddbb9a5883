"""The digest message rendered from figures built by hand: sections, suppression, escaping, limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.disclosure import Breakdown
from bot.core.ratio import Ratio
from bot.core.render import render
from bot.evaluations.results import ResponseRate
from bot.reporting.digest.figures import (
    AssessmentFigures,
    CoachingUptake,
    CohortFigures,
    DigestFigures,
    DiversityFigures,
    DiversityTable,
    EvaluationFigures,
    Headline,
    HeadlineChange,
    OutcomeFigures,
    SessionAttendance,
    SuggestedAction,
    UpcomingSession,
)
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_CHARACTERS
from bot.slack.blocks.digest import digest_message
from db.enums import Level, OutcomeKind, Readiness, SessionKind

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2017, 7, 3, 8, 0, tzinfo=UTC)


def attendance(
    cohort_id: int, number: int, *, title: str | None = None, attended: int = 12
) -> SessionAttendance:
    return SessionAttendance(
        session_id=cohort_id * 100 + number,
        cohort_id=cohort_id,
        title=title or f"Action learning set {number}",
        kind=SessionKind.ACTION_LEARNING_SET,
        starts_at=datetime(2017, 3, 1, 9, 0, tzinfo=UTC) + timedelta(days=14 * number),
        compulsory=True,
        invited=15,
        replied=14,
        attended=attended,
        excused=1,
        absent=15 - attended - 1,
        recorded=15,
    )


def cohort(cohort_id: int, *, label: str | None = None, sessions: int = 3) -> CohortFigures:
    return CohortFigures(
        cohort_id=cohort_id,
        label=label or f"Aspiring Directors / Cohort {cohort_id}",
        start_date=date(2017, 1, 1),
        enrolled=15,
        sessions=tuple(attendance(cohort_id, n) for n in range(1, sessions + 1)),
        coaching=CoachingUptake(
            cohort_id=cohort_id,
            enrolled=15,
            commenced=11,
            used=23,
            allowance=60,
            at_risk=3,
            not_started=2,
            behind=1,
            deadline_passed=0,
        ),
    )


def diversity() -> DiversityFigures:
    ethnicity = DiversityTable(
        dimension="ethnicity",
        title="Ethnicity",
        categories=("Asian or Asian British", "White", "Not stated"),
        applicants=Breakdown(
            cells={"Asian or Asian British": "*", "White": "40", "Not stated": "*"}, total="50"
        ),
        participants=Breakdown(
            cells={"Asian or Asian British": "*", "White": "10", "Not stated": "0"}, total="15"
        ),
    )
    return DiversityFigures(tables=(ethnicity,), applicants_total="50", participants_total="15")


def figures(cohorts: list[CohortFigures] | None = None, **changes: Any) -> DigestFigures:
    cohorts = cohorts if cohorts is not None else [cohort(1), cohort(2)]
    built = DigestFigures(
        programme_id=1,
        programme_name="Aspiring Directors",
        cohort_ids=None,
        now=NOW,
        today=date(2017, 7, 3),
        week_of=date(2017, 7, 3),
        since=None,
        headline=Headline(
            enrolled_now=30,
            enrolled_ever=32,
            participants=31,
            sessions_held=6,
            attendance=Ratio(72, 90),
            coaching_commenced=Ratio(22, 30),
            outcomes=Ratio(7, 31),
            director_roles=2,
            assessed=Ratio(10, 31),
        ),
        cohorts=tuple(cohorts),
        evaluations=EvaluationFigures(
            response_rates=(
                ResponseRate("workshop", "Workshop", 1, 101, "Workshop", 15, 12, True),
                ResponseRate("workshop", "Workshop", 2, 201, "Workshop", 15, 9, False),
            ),
            responses=21,
            excellent_or_good=Ratio(18, 21),
            objectives_met=None,
            commitments_by_category={"Team": 6, "Self": 4},
            confidence_change=(),
            follow_up=None,
        ),
        assessments=AssessmentFigures(
            participants=31,
            assessed=10,
            did_not_attend=2,
            not_yet_assessed_after_date=1,
            not_yet_assessed_by_cohort={1: 1},
            readiness={
                Readiness.READY_NOW: 3,
                Readiness.READY_12_18_MONTHS: 5,
                Readiness.READY_LATER: 2,
            },
            talent_map={
                "London": {Readiness.READY_NOW: "*"},
                "North West": {Readiness.READY_LATER: "10"},
            },
            nine_box={(p, q): 1 if p == q else 0 for p in Level for q in Level},
        ),
        outcomes=OutcomeFigures(
            by_kind={kind: (2 if kind == OutcomeKind.SECONDMENT else 0) for kind in OutcomeKind},
            participants=31,
            with_new_role=7,
            in_director_role=2,
            awaiting_confirmation=1,
        ),
        diversity=diversity(),
        upcoming=(
            UpcomingSession(
                session_id=301,
                cohort_id=1,
                cohort_label="Aspiring Directors / Cohort 1",
                title="Organisational development day",
                kind=SessionKind.ORGANISATIONAL_DEVELOPMENT,
                starts_at=datetime(2017, 7, 10, 9, 0, tzinfo=UTC),
                compulsory=True,
                invited=15,
                replied_yes=9,
            ),
        ),
        actions=(
            SuggestedAction(
                kind="low_attendance",
                text="Attendance at Action learning set 3 (Cohort 2) was 60%: ask why.",
                cohort_id=2,
            ),
        ),
        changes=(
            HeadlineChange("enrolled_now", "Enrolled", "30", "28", "+2"),
            HeadlineChange("outcomes", "New roles", "7", "7", "no change"),
        ),
    )
    return built if not changes else _replace(built, **changes)


def _replace(built: DigestFigures, **changes: Any) -> DigestFigures:
    from dataclasses import replace

    return replace(built, **changes)


def texts(message: Any) -> list[str]:
    """Every text in the message's blocks, in order."""
    found = []
    for block in message.as_kwargs()["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element.get("text", ""))
    return found


def test_every_section_is_present_with_its_figures() -> None:
    message = digest_message(figures(), tz=LONDON)

    shown = "\n".join(texts(message))
    assert texts(message)[0] == "Steering group digest: Aspiring Directors, week of Mon 3 Jul 2017"
    for heading in (
        "*At a glance*",
        "*Attendance by session*",
        "*Coaching uptake*",
        "*Evaluation*",
        "*Assessments*",
        "*Outcomes to date*",
        "*Diversity: applicants and participants*",
        "*Coming up in the next two weeks*",
        "*Suggested actions*",
    ):
        assert heading in shown
    assert "Enrolled now: *30* (32 given a place so far; 31 enrolled or completed)." in shown
    assert "*Since the last digest:* Enrolled 30 (+2); New roles 7 (no change)." in shown
    assert (
        "• Wed 15 Mar, 09:00 Action learning set 1 (compulsory): "
        "invited 15, replied 14, attended 12 (80%)" in shown
    )
    assert "All cohorts: commenced 22 of 30, sessions used 46 of 120, at risk 6." in shown
    assert "• Workshop: 21 of 30 (70%)" in shown
    assert "Rated excellent or good: 18 of 21 (85.7%)." in shown
    assert "Objectives met: not shown, as too few people have answered." in shown
    assert "Commitments by category: Team 6, Self 4." in shown
    assert "Readiness: Ready now 3, Ready within 12\u201318 months 5, Ready later 2." in shown
    assert "• London: * / 0 / 0" in shown
    assert "7 of 31 participants have a new role (22.6%); 2 in a director role." in shown
    assert "• Secondment: 2 (6% of participants)" in shown
    assert (
        "• Mon 10 Jul, 10:00 Aspiring Directors / Cohort 1: Organisational development day" in shown
    )
    assert "Attendance at Action learning set 3 (Cohort 2) was 60%: ask why." in shown
    assert message.text.startswith(
        "Steering group digest for Aspiring Directors, week of Mon 3 Jul"
    )


def test_suppressed_diversity_cells_are_shown_as_stars_exactly_as_given() -> None:
    shown = "\n".join(texts(digest_message(figures(), tz=LONDON)))

    (table,) = [text for text in texts(digest_message(figures(), tz=LONDON)) if "```" in text]
    # In a code block, so that a `*` is shown as it is and never read as bold.
    title, fence, heading, *rows, end = table.splitlines()
    assert (title, fence, end) == ("*Ethnicity*", "```", "```")
    assert heading.split() == ["Applicants", "Participants"]
    assert [row.rsplit(maxsplit=2) for row in rows] == [
        ["Asian or Asian British", "*", "*"],
        ["White", "40", "10"],
        ["Not stated", "*", "0"],
        ["Total", "50", "15"],
    ]
    assert "* marks a count too small to show" in shown


def test_diversity_is_left_out_below_programme_level() -> None:
    shown = "\n".join(texts(digest_message(figures(diversity=None, cohort_ids=(1,)), tz=LONDON)))

    assert "Shown for the whole programme only" in shown
    assert "Asian or Asian British" not in shown


def test_titles_typed_by_people_are_escaped() -> None:
    sly = cohort(1, label="Cohort <!channel> & co")
    sly = CohortFigures(
        **{**sly.__dict__, "sessions": (attendance(1, 1, title="<https://evil|Click> me"),)}
    )

    shown = "\n".join(texts(digest_message(figures([sly]), tz=LONDON)))

    assert "Cohort &lt;!channel&gt; &amp; co" in shown
    assert "&lt;https://evil|Click&gt; me" in shown
    assert "<!channel>" not in shown and "<https://evil" not in shown


def test_a_hundred_cohorts_stay_within_slacks_limits_and_point_to_the_workbook() -> None:
    many = [cohort(n, sessions=10) for n in range(1, 101)]
    upcoming = figures().upcoming * 30
    actions = figures().actions * 40

    message = digest_message(figures(many, upcoming=upcoming, actions=actions), tz=LONDON)

    blocks = message.as_kwargs()["blocks"]
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    assert all(len(text) <= MAX_SECTION_CHARACTERS for text in texts(message))
    shown = "\n".join(texts(message))
    assert "_and 95 more cohorts — see the attached workbook_" in shown
    assert "• and 4 more sessions — see the attached workbook" in shown
    assert "_and 90 more cohorts — see the attached workbook_" in shown
    assert "• and 20 more sessions — see the attached workbook" in shown
    assert "• and 32 more — see the attached workbook" in shown


def test_a_preview_says_where_the_charts_will_appear() -> None:
    message = digest_message(figures(), tz=LONDON, preview=True, posted_in="C0STEER01")

    assert texts(message)[-1] == (
        "Charts (attendance, talent grid) and the full detail in a workbook are attached "
        "when the digest is posted in <#C0STEER01>."
    )


def test_an_all_day_session_coming_up_shows_its_day_not_a_time() -> None:
    workshop = UpcomingSession(
        session_id=1,
        cohort_id=1,
        cohort_label="Aspiring Directors / 2018",
        title="Launch workshop",
        kind=SessionKind.WORKSHOP,
        starts_at=datetime(2018, 9, 12, 8, 0, tzinfo=UTC),
        compulsory=True,
        invited=15,
        replied_yes=12,
        ends_at=datetime(2018, 9, 13, 16, 0, tzinfo=UTC),
        all_day=True,
    )

    shown = render("digest/upcoming.j2", sessions=[workshop], more=0, tz=ZoneInfo("Europe/London"))

    assert "Wed 12 Sep to Thu 13 Sep" in shown and "(all day)" in shown
    assert "09:00" not in shown
