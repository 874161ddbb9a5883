"""Block Kit for the App Home tab, built from `bot.home.home.HomeFacts` (no database access here)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)
from slack_sdk.models.views import View

from bot.core.mrkdwn import Mrkdwn, escape
from bot.core.render import render
from bot.core.timefmt import format_day, format_span, format_when
from bot.home.command_catalogue import COMMAND
from bot.home.home import CohortOverview, HomeFacts, HomeSession, Participation, UpcomingSession
from bot.slack.blocks import MAX_VIEW_BLOCKS, section
from bot.slack.blocks.coaching import log_button
from bot.slack.blocks.enrolment import chunked_sections
from bot.slack.blocks.evaluation_requests import fill_in_button
from bot.slack.blocks.outcomes import home_lines, report_button
from bot.slack.blocks.participation import away_button
from db.enums import EnrolmentStatus, RsvpStatus

# Long lists are cut so the tab stays readable and inside Slack's 100-block limit.
MAX_PARTICIPATIONS = 5
MAX_TIMETABLE_LINES = 20
MAX_FORMS = 10
# Buttons share one actions block with the coaching button; Slack allows 25 in a block.
MAX_FORM_BUTTONS = 5
MAX_COHORT_LINES = 60
MAX_UPCOMING_LINES = 30
MAX_OUTCOME_LINES = 10

_RSVP = {
    RsvpStatus.ATTENDING: "you're going",
    RsvpStatus.NOT_ATTENDING: "you can't go",
    RsvpStatus.NONE: "no reply yet",
}


def home_view(facts: HomeFacts) -> View:
    """The Home tab: the person's programmes, and for coordinators every cohort."""
    blocks: list[Block] = [
        HeaderBlock(text="cohortbot"),
        section(
            render(
                "home.j2",
                roles=facts.roles,
                enrolled=bool(facts.participations),
                command=COMMAND,
            )
        ),
    ]
    if facts.participations:
        blocks += _away_blocks(facts)
    for participation in facts.participations[:MAX_PARTICIPATIONS]:
        blocks += [DividerBlock(), *_participation_blocks(participation, facts)]
    if facts.can_report_outcome or facts.outcomes:
        blocks += [DividerBlock(), *_outcome_blocks(facts)]
    if facts.cohorts is not None:
        blocks += [DividerBlock(), HeaderBlock(text="Coordinator view")]
        blocks += _coordinator_blocks(facts)
    if len(blocks) > MAX_VIEW_BLOCKS:
        # A last guard: every list above is already capped, so this should never cut anything.
        blocks = [
            *blocks[: MAX_VIEW_BLOCKS - 1],
            _context("More is available with `/cohort help`."),
        ]
    return View(type="home", blocks=blocks)


def _participation_blocks(participation: Participation, facts: HomeFacts) -> list[Block]:
    blocks: list[Block] = [section(render("home/participation.j2", p=participation))]
    if participation.status != EnrolmentStatus.ENROLLED:
        return blocks
    lines = [_session_line(item, facts) for item in participation.upcoming]
    if len(lines) > MAX_TIMETABLE_LINES:
        hidden = len(lines) - MAX_TIMETABLE_LINES
        lines = [
            *lines[:MAX_TIMETABLE_LINES],
            f"…and {hidden} later sessions: `{COMMAND} calendar` shows them all.",
        ]
    heading = "*Your timetable*"
    if participation.past_count:
        heading += f" ({participation.past_count} earlier sessions not shown)"
    timetable = [heading, *lines] if lines else [heading, "No sessions coming up."]
    blocks += chunked_sections(timetable, max_blocks=2)
    deadline = (
        f"{format_day(participation.coaching_deadline)} {participation.coaching_deadline.year}"
        if participation.coaching_deadline
        else ""
    )
    forms = participation.open_forms
    coaching = render(
        "home/coaching.j2",
        p=participation,
        deadline=deadline,
        tz=facts.tz,
        forms=forms[:MAX_FORMS],
        more_forms=max(0, len(forms) - MAX_FORMS),
    )
    blocks.append(section(coaching))
    buttons = [
        fill_in_button(form.request_id, text=f"Fill in: {form.title}")
        for form in forms[:MAX_FORM_BUTTONS]
        if form.request_id is not None
    ]
    if participation.enrolment_id is not None and (
        participation.coaching_used < participation.coaching_allowance
    ):
        buttons.append(log_button(participation.enrolment_id))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return blocks


def _away_blocks(facts: HomeFacts) -> list[Block]:
    """Whether reminders are paused, with the button to pause them or turn them back on."""
    if facts.away_until is None:
        return [ActionsBlock(elements=[away_button(away=False)])]
    return [
        section(render("home/away.j2", until=format_day(facts.away_until))),
        ActionsBlock(elements=[away_button(away=True)]),
    ]


def _outcome_blocks(facts: HomeFacts) -> list[Block]:
    lines = _capped(home_lines(facts.outcomes), MAX_OUTCOME_LINES, "new roles")
    blocks: list[Block] = [
        section(render("home/outcomes.j2", lines=[Mrkdwn(line) for line in lines]))
    ]
    if facts.can_report_outcome:
        blocks.append(ActionsBlock(elements=[report_button()]))
    return blocks


def _when(item: HomeSession | UpcomingSession, tz: ZoneInfo) -> str:
    # All day, or still to be dated: shown by the day; otherwise the start, as before.
    if item.ends_at is not None and (item.all_day or item.precision != "day"):
        return format_span(
            item.starts_at, item.ends_at, tz, all_day=item.all_day, precision=item.precision
        )
    return format_when(item.starts_at, tz)


def _session_line(item: HomeSession, facts: HomeFacts) -> str:
    when = _when(item, facts.tz)
    title = escape(item.title)
    if item.cancelled:
        return f"• ~{when}  {title}~ (cancelled)"
    attendance = "compulsory" if item.compulsory else "optional"
    return f"• *{when}*  {title} ({attendance}): {_RSVP[item.rsvp]}"


def _coordinator_blocks(facts: HomeFacts) -> list[Block]:
    cohorts = facts.cohorts or ()
    coordinator = render(
        "home/coordinator.j2", cohorts=cohorts, command=COMMAND, awaiting=facts.outcomes_awaiting
    )
    blocks: list[Block] = [section(coordinator)]
    if cohorts:
        lines = _capped([_cohort_line(cohort) for cohort in cohorts], MAX_COHORT_LINES, "cohorts")
        blocks += chunked_sections(lines, max_blocks=5)
    upcoming = _capped(
        [_upcoming_line(item, facts) for item in facts.upcoming], MAX_UPCOMING_LINES, "sessions"
    )
    lines = ["*Next two weeks*", *(upcoming or ["No sessions in the next two weeks."])]
    blocks += chunked_sections(lines, max_blocks=3)
    return blocks


def _capped(lines: list[str], limit: int, noun: str) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"…and {len(lines) - limit} more {noun}."]


def _cohort_line(cohort: CohortOverview) -> str:
    waiting = f", {cohort.waiting} waiting" if cohort.waiting else ""
    return (
        f"• *{escape(cohort.cohort_name)}* ({escape(cohort.programme_name)}): "
        f"{cohort.headcount}/{cohort.capacity} enrolled{waiting}"
    )


def _upcoming_line(item: UpcomingSession, facts: HomeFacts) -> str:
    text = f"{_when(item, facts.tz)}  {escape(item.title)} ({escape(item.cohort_name)})"
    return f"• ~{text}~ (cancelled)" if item.cancelled else f"• {text}"


def _context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=mrkdwn)])
