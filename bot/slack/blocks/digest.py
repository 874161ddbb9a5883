"""The steering group's digest as a Slack message, from `DigestFigures` and the `digest/` templates.

Slack allows 50 blocks a message and 3000 characters a section, and a programme may have a hundred
cohorts, so every list here is cut to its most useful lines with "and N more — see the attached
workbook"; the workbook carries the lot. Nothing rendered names an individual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.core.labels import COMMITMENT_PROGRESS_LABELS, OUTCOME_LABELS, READINESS_LABELS
from bot.core.mrkdwn import Mrkdwn, escape
from bot.core.render import render
from bot.core.timefmt import format_day
from bot.evaluations.commitments import FOLLOW_UP_DAYS
from bot.reporting.digest.figures import (
    CoachingUptake,
    CohortFigures,
    DigestFigures,
    DiversityTable,
    EvaluationFigures,
    SessionAttendance,
)
from bot.reporting.digest.message import DigestMessage
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, section, sections, to_message
from db.enums import Readiness

MAX_ATTENDANCE_COHORTS = 5
MAX_SESSIONS_PER_COHORT = 6
MAX_COACHING_COHORTS = 10
MAX_FORMS = 10
MAX_REGIONS = 12
MAX_CATEGORIES = 12
MAX_UPCOMING = 10
MAX_ACTIONS = 8
# Slack's limit on a header block's plain text.
MAX_HEADER = 150


def digest_title(figures: DigestFigures) -> str:
    """'Steering group digest: <programme>, week of Mon 3 Jul 2017' (plain text)."""
    week = f"{format_day(figures.week_of)} {figures.week_of.year}"
    title = f"Steering group digest: {figures.programme_name}, week of {week}"
    if len(title) > MAX_HEADER:
        title = title[: MAX_HEADER - 1] + "…"
    return title


def digest_message(
    figures: DigestFigures, *, tz: ZoneInfo, preview: bool = False, posted_in: str | None = None
) -> Message:
    """The digest as Block Kit with its plain-text fallback.

    A preview is shown without its files, so its footer says where the charts and workbook will
    appear: in `posted_in` (the steering channel) when the digest is posted there.
    """
    parts = [
        [headline_text(figures)],
        [attendance_text(figures, tz)],
        [coaching_text(figures.cohorts)],
        [evaluation_text(figures.evaluations)],
        [assessment_text(figures)],
        [outcome_text(figures)],
        diversity_texts(figures),
        [upcoming_text(figures, tz)],
        [actions_text(figures)],
    ]
    channel = Mrkdwn(f"<#{escape(posted_in)}>") if posted_in else None
    footer = render("digest/footer.j2", preview=preview, channel=channel)
    # Each text is split between lines only, so a table in a code block must be a text of its own.
    groups: list[list[Block]] = [
        [block for text in part for block in sections(text)] for part in parts
    ]
    blocks = _assemble(digest_title(figures), groups, footer)
    return Message(text=render("digest/fallback.j2", f=figures), blocks=blocks)


@to_message.register
def _digest(owed: DigestMessage) -> Message:
    return digest_message(owed.figures, tz=owed.tz, preview=owed.preview, posted_in=owed.posted_in)


def _assemble(title: str, groups: Sequence[list[Block]], footer: str) -> list[Block]:
    header: list[Block] = [HeaderBlock(text=title)]
    closing: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=footer)])]
    body = [block for group in groups for block in group]
    with_dividers = len(header) + len(body) + len(groups) + len(closing) <= MAX_MESSAGE_BLOCKS
    if with_dividers:
        body = [block for group in groups for block in [*group, DividerBlock()]]
    room = MAX_MESSAGE_BLOCKS - len(header) - len(closing)
    if len(body) > room:
        # A last resort: the caps above keep a real digest well inside the limit.
        body = [
            *body[: room - 1],
            section("_The rest of the digest did not fit here: see the attached workbook._"),
        ]
    return [*header, *body, *closing]


def headline_text(figures: DigestFigures) -> str:
    """The headline figures and what changed since the last digest (or `since`)."""
    since_label = format_day(figures.since) if figures.since else "the last digest"
    return render(
        "digest/headline.j2", h=figures.headline, changes=figures.changes, since_label=since_label
    )


@dataclass(frozen=True)
class _ShownCohort:
    label: str
    sessions: tuple[SessionAttendance, ...]
    more: int


def _latest_session(cohort: CohortFigures) -> float:
    return max(s.starts_at.timestamp() for s in cohort.sessions)


def attendance_text(figures: DigestFigures, tz: ZoneInfo) -> str:
    """Per cohort, attendance at each session held: the most recent cohorts and sessions only."""
    active = [c for c in figures.cohorts if c.sessions]
    # The cohorts with the most recent sessions are the ones the steering group is watching.
    chosen = {
        c.cohort_id
        for c in sorted(active, key=_latest_session, reverse=True)[:MAX_ATTENDANCE_COHORTS]
    }
    shown = [
        _ShownCohort(
            label=c.label,
            sessions=c.sessions[-MAX_SESSIONS_PER_COHORT:],
            more=max(0, len(c.sessions) - MAX_SESSIONS_PER_COHORT),
        )
        for c in active
        if c.cohort_id in chosen
    ]
    return render(
        "digest/attendance.j2",
        cohorts=shown,
        more_cohorts=len(active) - len(shown),
        since=figures.since,
        tz=tz,
    )


def coaching_text(cohorts: Sequence[CohortFigures]) -> str:
    """Coaching uptake in total and for the cohorts most at risk."""
    running = [c for c in cohorts if c.coaching.enrolled]
    total = CoachingUptake(
        cohort_id=0,
        enrolled=sum(c.coaching.enrolled for c in running),
        commenced=sum(c.coaching.commenced for c in running),
        used=sum(c.coaching.used for c in running),
        allowance=sum(c.coaching.allowance for c in running),
        at_risk=sum(c.coaching.at_risk for c in running),
        not_started=sum(c.coaching.not_started for c in running),
        behind=sum(c.coaching.behind for c in running),
        deadline_passed=sum(c.coaching.deadline_passed for c in running),
    )
    shown = sorted(running, key=lambda c: -c.coaching.at_risk)[:MAX_COACHING_COHORTS]
    ordered = [c for c in running if c in shown]
    return render(
        "digest/coaching.j2",
        total=total,
        cohorts=ordered,
        more_cohorts=len(running) - len(ordered),
    )


@dataclass(frozen=True)
class _FormRate:
    title: str
    requested: int
    completed: int

    @property
    def percent(self) -> int | None:
        if not self.requested:
            return None
        return (200 * self.completed + self.requested) // (2 * self.requested)


def evaluation_text(evaluations: EvaluationFigures | None) -> str:
    """Response rates by form, the headline ratings and commitments by category."""
    forms: dict[str, _FormRate] = {}
    for rate in evaluations.response_rates if evaluations else ():
        seen = forms.get(rate.form_key, _FormRate(rate.form_title, 0, 0))
        forms[rate.form_key] = _FormRate(
            seen.title, seen.requested + rate.requested, seen.completed + rate.completed
        )
    listed = list(forms.values())
    return render(
        "digest/evaluations.j2",
        e=evaluations,
        follow_up_days=FOLLOW_UP_DAYS,
        progress_labels=[(p.value, label) for p, label in COMMITMENT_PROGRESS_LABELS.items()],
        forms=listed[:MAX_FORMS],
        more_forms=max(0, len(listed) - MAX_FORMS),
    )


def assessment_text(figures: DigestFigures) -> str:
    """How many are assessed, readiness, and the talent map by region."""
    a = figures.assessments
    readiness = [(READINESS_LABELS[r], a.readiness.get(r, 0)) for r in Readiness]
    regions = [
        (region, [counts.get(r, "0") for r in Readiness]) for region, counts in a.talent_map.items()
    ]
    return render(
        "digest/assessments.j2",
        a=a,
        readiness=readiness,
        regions=regions[:MAX_REGIONS],
        more_regions=max(0, len(regions) - MAX_REGIONS),
    )


def outcome_text(figures: DigestFigures) -> str:
    """Confirmed outcomes by kind, each as a share of participants."""
    o = figures.outcomes
    kinds = [
        (
            OUTCOME_LABELS[kind],
            count,
            (200 * count + o.participants) // (2 * o.participants) if o.participants else None,
        )
        for kind, count in o.by_kind.items()
        if count
    ]
    return render("digest/outcomes.j2", o=o, kinds=kinds)


# Widths of the diversity tables' columns, which are set in a code block so they line up and so
# that a suppressed `*` is never read as bold.
_CATEGORY_WIDTH = 30
_COUNT_WIDTH = 14


@dataclass(frozen=True)
class _ShownTable:
    title: str
    lines: list[str]
    more: int


def _table_line(category: str, applicants: str, participants: str) -> str:
    if len(category) > _CATEGORY_WIDTH:
        category = category[: _CATEGORY_WIDTH - 1] + "…"
    return (
        f"{category:<{_CATEGORY_WIDTH}}{applicants:>{_COUNT_WIDTH}}{participants:>{_COUNT_WIDTH}}"
    )


def _shown_table(table: DiversityTable) -> _ShownTable:
    rows = [
        _table_line(
            category,
            table.applicants.cells.get(category, "0"),
            table.participants.cells.get(category, "0"),
        )
        for category in table.categories
    ]
    heading = _table_line("", "Applicants", "Participants")
    total = _table_line("Total", table.applicants.total, table.participants.total)
    return _ShownTable(
        table.title,
        [heading, *rows[:MAX_CATEGORIES], total],
        max(0, len(rows) - MAX_CATEGORIES),
    )


def diversity_texts(figures: DigestFigures) -> list[str]:
    """Applicants against participants, each cell exactly as disclosure control published it.

    The introduction, then one text per table, each a code block so the columns line up.
    """
    d = figures.diversity
    tables = [_shown_table(t) for t in d.tables] if d else []
    return [
        render("digest/diversity.j2", d=d),
        *(render("digest/diversity_table.j2", t=table) for table in tables),
    ]


def upcoming_text(figures: DigestFigures, tz: ZoneInfo) -> str:
    """Sessions in the next two weeks, soonest first."""
    return render(
        "digest/upcoming.j2",
        sessions=figures.upcoming[:MAX_UPCOMING],
        more=max(0, len(figures.upcoming) - MAX_UPCOMING),
        tz=tz,
    )


def actions_text(figures: DigestFigures) -> str:
    """What the steering group may want to do."""
    return render(
        "digest/actions.j2",
        actions=figures.actions[:MAX_ACTIONS],
        more=max(0, len(figures.actions) - MAX_ACTIONS),
    )
