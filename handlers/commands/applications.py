"""`/cohort` subcommands for advertising rounds, applications, selection and imports."""

from __future__ import annotations

from bot.applications import applications, rounds
from bot.applications.screening import CRITERIA_HELP
from bot.core.audit import record_read
from bot.core.errors import InvalidInput
from bot.home.command_catalogue import Subcommand
from bot.slack.blocks import Message, notice
from bot.slack.blocks.applications import (
    ApplicationLine,
    applications_message,
    apply_view,
    import_help_message,
    round_added_message,
    rounds_message,
)
from handlers.commands.routing import CommandRequest, Route


def _need(request: CommandRequest, count: int, usage: str) -> None:
    if len(request.arguments) < count:
        raise InvalidInput(f"Usage: `/cohort {usage}`")


def handle_round(request: CommandRequest) -> Message:
    """`/cohort round add <programme> <name> <opens> <closes>`."""
    usage = 'round add "<programme>" "<name>" <opens> <closes>'
    if not request.arguments or request.arguments[0].lower() != "add":
        raise InvalidInput(f"Usage: `/cohort {usage}`")
    _need(request, 5, usage)
    programme_name, name, opens, closes = request.arguments[1:5]
    with request.uow() as session:
        request.require_coordinator(session)
        added = rounds.add_round(
            session,
            programme_name=programme_name,
            name=name,
            opens=opens,
            closes=closes,
            actor=request.user_id,
            now=request.now(),
        )
        return round_added_message(added.round, added.overlapping)


def handle_rounds(request: CommandRequest) -> Message:
    """`/cohort rounds <programme>`."""
    _need(request, 1, 'rounds "<programme>"')
    with request.uow() as session:
        request.require_coordinator(session)
        programme, listed = rounds.rounds_of(session, request.arguments[0])
        return rounds_message(programme, listed)


def handle_apply(request: CommandRequest) -> Message | None:
    """`/cohort apply [programme]`: the application form, during an open round."""
    now = request.now()
    # Slack first: a unit of work holds the database while it is open.
    user = request.client.users_info(user=request.user_id)["user"]
    profile = user.get("profile", {})
    with request.uow() as session:
        chosen = rounds.programme_to_apply_to(session, " ".join(request.arguments), now)
        if isinstance(chosen, str):
            return notice(chosen)
        programme, current = chosen
        view = apply_view(
            programme,
            current,
            name=str(user.get("real_name") or profile.get("real_name") or ""),
            email=str(profile.get("email") or ""),
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)
    return None


def handle_criteria(request: CommandRequest) -> Message:
    """`/cohort criteria <programme> [criterion …|none]`: show or set the non-negotiables."""
    _need(request, 1, 'criteria "<programme>" [criterion …|none]')
    programme_name, *typed = request.arguments
    now = request.now()
    with request.uow() as session:
        request.require_coordinator(session)
        programme = rounds.find_programme(session, programme_name)
        if typed:
            rounds.set_criteria(session, programme, typed, actor=request.user_id, now=now)
        current = list(programme.non_negotiables or [])
        listing = ", ".join(current) if current else "none"
        verb = "are now" if typed else "are"
        return notice(
            f"The non-negotiable criteria for {programme.name} {verb}: {listing}. "
            f"New applications are screened against them automatically. Criteria: {CRITERIA_HELP}."
        )


def handle_applications(request: CommandRequest) -> Message:
    """`/cohort applications <programme> [status]`."""
    _need(request, 1, 'applications "<programme>" [status]')
    status = request.arguments[1] if len(request.arguments) > 1 else None
    with request.uow() as session:
        request.require_coordinator(session)
        programme, listed = applications.list_applications(session, request.arguments[0], status)
        lines = [
            ApplicationLine(
                id=application.id,
                name=application.person.name,
                organisation=application.organisation,
                status=applications.status_label(application.status),
                round=application.round.name if application.round else None,
            )
            for application in listed
        ]
        label = applications.status_label(applications.parse_status(status)) if status else None
        record_read(
            session,
            actor=request.user_id,
            what="applications",
            scope=f"programme:{programme.id}",
            rows=len(lines),
            now=request.now(),
        )
        return applications_message(programme, label, lines)


def handle_application(request: CommandRequest) -> Message:
    """`/cohort application <id> <status> [reason…] [feedback: …]`."""
    _need(request, 2, "application <number> <status> [reason…] [feedback: text for them]")
    number, status, *details = request.arguments
    with request.uow() as session:
        request.require_coordinator(session)
        changed = applications.change_status(
            session,
            application_id=number,
            status=status,
            details=details,
            actor=request.user_id,
            now=request.now(),
        )
        application = changed.application
        text = (
            f"Application {application.id} ({application.person.name}) is now "
            f"{applications.status_label(application.status)} "
            f"(was {applications.status_label(changed.before)})."
        )
        if changed.enrolment_status is not None:
            text += f" Their enrolment: {changed.enrolment_status.replace('_', ' ')}."
        return notice(text)


def handle_feedback(request: CommandRequest) -> Message:
    """`/cohort feedback <id>`: DM an unsuccessful applicant their feedback, once."""
    _need(request, 1, "feedback <number>")
    with request.uow() as session:
        request.require_coordinator(session)
        application = applications.get_application(session, request.arguments[0])
        applications.check_feedback_can_be_sent(application)
        sent = applications.send_feedback(
            session,
            application_id=request.arguments[0],
            actor=request.user_id,
            now=request.now(),
        )
        name = application.person.name
    if not sent:
        return notice(f"Feedback was already sent to {name}; nothing more was sent.")
    return notice(f"Feedback will be sent to {name} by direct message.")


def handle_import(request: CommandRequest) -> Message:
    """`/cohort import`: how to import applications from a CSV file."""
    with request.uow() as session:
        request.require_coordinator(session)
    return import_help_message()


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "round",
            'add "<programme>" "<name>" <opens> <closes>',
            "Add an advertising round to a programme.",
        ),
        handle_round,
    ),
    Route(
        Subcommand("rounds", '"<programme>"', "List a programme's advertising rounds."),
        handle_rounds,
    ),
    Route(
        Subcommand("apply", "[programme]", "Apply to a programme during an open round."),
        handle_apply,
    ),
    Route(
        Subcommand(
            "criteria",
            '"<programme>" [criterion …|none]',
            "Show or set the criteria applications are screened against.",
        ),
        handle_criteria,
    ),
    Route(
        Subcommand("applications", '"<programme>" [status]', "List a programme's applications."),
        handle_applications,
    ),
    Route(
        Subcommand(
            "application",
            "<number> <status> [reason…] [feedback: …]",
            "Move an application on (shortlisted, interviewed, offered <cohort>, accepted, …).",
        ),
        handle_application,
    ),
    Route(
        Subcommand("feedback", "<number>", "Send an unsuccessful applicant their feedback by DM."),
        handle_feedback,
    ),
    Route(
        Subcommand("import", "", "Import applications from a CSV file."),
        handle_import,
    ),
)
