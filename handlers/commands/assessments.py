"""`/cohort assess` and `/cohort assessments`: record an assessment, offer a date, see a cohort."""

from __future__ import annotations

from bot.core.audit import record_read
from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention
from bot.core.mrkdwn import shorten
from bot.core.timefmt import format_when
from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import cohort_label, only_cohort, programme_zone, resolve_cohort
from bot.reporting import assessment_report, assessments
from bot.slack.blocks import Message
from bot.slack.blocks.assessments import (
    AssessmentForm,
    assessment_modal,
    offered_message,
    report_message,
)
from handlers.commands.routing import CommandRequest, Route

ASSESS = Subcommand(
    "assess",
    "@person | offer @person <session id>",
    "Record someone's final assessment, or offer them another assessment date.",
)
ASSESSMENTS = Subcommand(
    "assessments",
    '["<programme>" "<cohort>"]',
    "Who is assessed, readiness and the nine-box grid for a cohort.",
)
OFFER_USAGE = "Use: `/cohort assess offer @person <session id>`."


def handle_command_assess(request: CommandRequest) -> Message | None:
    """`/cohort assess @person` opens the modal; `/cohort assess offer @person 12` offers a date."""
    words = request.arguments
    if words and words[0].casefold() == "offer":
        return _offer(request, words[1:])
    if len(words) != 1:
        raise InvalidInput("Say whose assessment to record: `/cohort assess @person`.")
    participant = parse_mention(words[0])
    with request.uow() as session:
        request.require_coordinator(session)
        enrolment = assessments.enrolment_to_assess(session, participant)
        form = AssessmentForm(
            enrolment_id=enrolment.id,
            name=enrolment.person.name,
            cohort=cohort_label(enrolment.cohort),
            today=request.now().astimezone(programme_zone(enrolment.cohort)).date(),
        )
    view = assessment_modal(form)
    request.client.views_open(trigger_id=request.trigger_id, view=view.to_dict())
    return None


def _offer(request: CommandRequest, words: tuple[str, ...]) -> Message:
    if len(words) != 2:
        raise InvalidInput(OFFER_USAGE)
    participant = parse_mention(words[0])
    number = words[1].strip().lstrip("#")
    if not number.isdigit():
        raise InvalidInput(f"'{shorten(words[1])}' is not a session id. {OFFER_USAGE}")
    with request.uow() as session:
        request.require_coordinator(session)
        enrolment = assessments.enrolment_to_assess(session, participant)
        offered = assessments.offer_another_date(
            session,
            enrolment_id=enrolment.id,
            session_id=int(number),
            actor=request.user_id,
            roles=request.roles(session),
            now=request.now(),
        )
    return offered_message(offered.name, offered.title, format_when(offered.starts_at, offered.tz))


def handle_command_assessments(request: CommandRequest) -> Message:
    """`/cohort assessments [cohort]`: the cohort's assessment report, for coordinators."""
    with request.uow() as session:
        request.require_coordinator(session)
        words = request.arguments
        cohort = resolve_cohort(session, words) if words else only_cohort(session)
        report = assessment_report.cohort_assessments(session, cohort)
        record_read(
            session,
            actor=request.user_id,
            what="assessments",
            scope=f"cohort:{cohort.id}",
            rows=len(report.lines),
            now=request.now(),
        )
        return report_message(report)


ROUTES: tuple[Route, ...] = (
    Route(ASSESS, handle_command_assess),
    Route(ASSESSMENTS, handle_command_assessments),
)
