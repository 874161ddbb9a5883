"""Block Kit for enrolment: the welcome DM, waiting-list notices and offers, and cohort rosters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.core.mrkdwn import escape
from bot.core.render import render
from bot.core.timefmt import format_day, format_span
from bot.enrolment.messages import PlaceOffer, WaitingFacts, WelcomeFacts, WelcomeSession
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, mrkdwn_notice, section, to_message
from bot.slack.ids.enrolment import ActionId, BlockId

# Slack refuses a section whose text is longer than 3000 characters.
SECTION_LIMIT = 3000
MAX_TIMETABLE_SECTIONS = 12


@dataclass(frozen=True)
class RosterLine:
    """One person on a roster or waiting list."""

    name: str
    slack_user_id: str | None
    position: int | None = None
    offered: bool = False


@dataclass(frozen=True)
class Roster:
    """A cohort's members and waiting list, as `/cohort members` and `/cohort waiting` show them."""

    programme_name: str
    cohort_name: str
    capacity: int
    members: Sequence[RosterLine]
    waiting: Sequence[RosterLine]


def chunked_sections(lines: Iterable[str], *, max_blocks: int) -> list[Block]:
    """Lines of (escaped) mrkdwn packed into as few sections as fit; what will not fit is counted."""
    blocks: list[Block] = []
    current = ""
    remaining = list(lines)
    while remaining:
        line = remaining[0]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_LIMIT - 100:
            current = candidate
            remaining.pop(0)
            continue
        if len(blocks) == max_blocks - 1:
            break
        blocks.append(section(current))
        current = ""
    if remaining:
        current += f"\n…and {len(remaining)} more."
    if current:
        blocks.append(section(current))
    return blocks


def session_line(item: WelcomeSession, tz: ZoneInfo, *, with_year: bool = False) -> str:
    """'• *Tue 4 Jul, 10:00 to 16:00*  Launch workshop (workshop, compulsory), Leeds'."""
    when = format_span(
        item.starts_at,
        item.ends_at,
        tz,
        all_day=item.all_day,
        precision=item.precision,
        with_year=with_year,
    )
    where = f", {escape(item.where)}" if item.where else ""
    attendance = "compulsory" if item.compulsory else "optional"
    return f"• *{when}*  {escape(item.title)} ({escape(item.kind)}, {attendance}){where}"


def welcome_message(facts: WelcomeFacts) -> Message:
    """The welcome DM: the whole timetable at once, what is compulsory, and coaching."""
    intro = render(
        "enrolment/welcome.j2", facts=facts, deadline=format_day(facts.coaching_deadline)
    )
    coaching = render(
        "enrolment/welcome_coaching.j2",
        facts=facts,
        deadline=f"{format_day(facts.coaching_deadline)} {facts.coaching_deadline.year}",
    )
    lines = [session_line(item, facts.tz, with_year=facts.with_year) for item in facts.sessions]
    compulsory = sum(1 for item in facts.sessions if item.compulsory)
    fixed: list[Block] = [
        HeaderBlock(text=f"Welcome to {facts.programme_name}"[:150]),
        section(intro),
    ]
    closing: list[Block] = [
        section(coaching),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The attached calendar file adds every session to Outlook or any other "
                    "calendar. Times are shown in the programme's time zone."
                )
            ]
        ),
    ]
    # Far more than any real timetable needs, while keeping the message a sane size for Slack.
    room = min(MAX_TIMETABLE_SECTIONS, MAX_MESSAGE_BLOCKS - len(fixed) - len(closing))
    timetable = (
        chunked_sections(lines, max_blocks=room)
        if lines
        else [section("No sessions are scheduled yet: you will hear as soon as they are.")]
    )
    summary = f"{len(lines)} sessions, {compulsory} of them compulsory"
    text = (
        f"Welcome to {facts.programme_name} ({facts.cohort_name}): your timetable "
        f"({summary}) and coaching allowance."
    )
    return Message(text=escape(text), blocks=(*fixed, *timetable, *closing))


def waiting_list_message(facts: WaitingFacts) -> Message:
    """The DM to someone put on a waiting list."""
    return mrkdwn_notice(render("enrolment/waiting.j2", facts=facts))


def place_offer_message(*, enrolment_id: int, programme_name: str, cohort_name: str) -> Message:
    """The DM offering a freed place, with Accept and Decline buttons."""
    text = render("enrolment/offer.j2", programme=programme_name, cohort=cohort_name)
    value = str(enrolment_id)
    return Message(
        text=text,
        blocks=(
            section(text),
            ActionsBlock(
                block_id=BlockId.PLACE_OFFER_ACTIONS,
                elements=[
                    ButtonElement(
                        text="Accept place",
                        action_id=ActionId.ACCEPT_PLACE,
                        value=value,
                        style="primary",
                    ),
                    ButtonElement(text="Decline", action_id=ActionId.DECLINE_PLACE, value=value),
                ],
            ),
        ),
    )


@to_message.register
def _welcome(owed: WelcomeFacts) -> Message:
    return welcome_message(owed)


@to_message.register
def _waiting(owed: WaitingFacts) -> Message:
    return waiting_list_message(owed)


@to_message.register
def _place_offer(owed: PlaceOffer) -> Message:
    return place_offer_message(
        enrolment_id=owed.enrolment_id,
        programme_name=owed.programme_name,
        cohort_name=owed.cohort_name,
    )


def place_answer_message(*, accepted: bool, still_waiting: bool, cohort_name: str) -> Message:
    """What the offer message becomes once answered (replacing the buttons)."""
    return mrkdwn_notice(
        render(
            "enrolment/offer_answered.j2",
            accepted=accepted,
            still_waiting=still_waiting,
            cohort=cohort_name,
        )
    )


def enrolled_reply(*, name: str, cohort_name: str, status: str, position: int | None) -> Message:
    """The coordinator's confirmation of `/cohort enrol`."""
    return mrkdwn_notice(
        render(
            "enrolment/enrolled.j2", name=name, cohort=cohort_name, status=status, position=position
        )
    )


def left_reply(*, name: str, cohort_name: str, status: str, offered: Sequence[str]) -> Message:
    """The coordinator's confirmation of `/cohort withdraw` or `/cohort defer`."""
    return mrkdwn_notice(
        render("enrolment/left.j2", name=name, cohort=cohort_name, status=status, offered=offered)
    )


def members_message(roster: Roster) -> Message:
    """`/cohort members`: headcount against capacity, members, and the waiting list's length."""
    heading = render("enrolment/members.j2", roster=roster)
    lines = [_roster_line(line) for line in roster.members]
    body = chunked_sections(lines, max_blocks=MAX_MESSAGE_BLOCKS - 2) if lines else []
    return Message(text=heading, blocks=(section(heading), *body))


def waiting_message(roster: Roster) -> Message:
    """`/cohort waiting`: the waiting list in order."""
    heading = render("enrolment/waiting_list.j2", roster=roster)
    lines = [_roster_line(line) for line in roster.waiting]
    body = chunked_sections(lines, max_blocks=MAX_MESSAGE_BLOCKS - 2) if lines else []
    return Message(text=heading, blocks=(section(heading), *body))


def _roster_line(line: RosterLine) -> str:
    who = f"<@{escape(line.slack_user_id)}>" if line.slack_user_id else escape(line.name)
    prefix = f"{line.position}. " if line.position is not None else "• "
    suffix = " _(offered a place, awaiting an answer)_" if line.offered else ""
    return f"{prefix}{who}{suffix}"
