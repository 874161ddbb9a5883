"""`/cohort` subcommands for programmes, cohorts, sessions, the calendar and groups."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.concurrency import fingerprint
from bot.core.errors import InvalidInput, NotFound
from bot.core.mentions import parse_mention
from bot.enrolment.enrolment import enrolled_places
from bot.home.command_catalogue import Subcommand
from bot.programmes import groups as groups_service
from bot.programmes import timetable
from bot.programmes.calendar import (
    cohort_timetable,
    person_timetable,
    session_span,
    timetable_ics,
    year_shown,
)
from bot.programmes.programmes import (
    cohort_label,
    cohort_snapshot,
    find_cohort,
    find_programme,
    find_session,
    list_programmes,
    only_cohort,
    programme_zone,
    resolve_cohort,
)
from bot.programmes.timetable import session_snapshot
from bot.slack.blocks import Message, notice
from bot.slack.blocks.programmes import (
    WHOLE_COHORT,
    ProgrammeLine,
    SessionFormContext,
    TimetableLine,
    cohort_modal,
    groups_message,
    move_modal,
    programme_modal,
    programmes_message,
    session_modal,
    session_when,
    timetable_message,
)
from bot.slack.ids.programmes import Field
from db.enums import SessionStatus
from db.models import Cohort, Enrolment, Programme, ProgrammeSession, Role
from handlers.commands.routing import CommandRequest, Route

ICS_FILENAME = "cohort-timetable.ics"


def _usage(*lines: str) -> InvalidInput:
    return InvalidInput("Usage: " + " or ".join(f"`/cohort {line}`" for line in lines))


def _dispatch(
    request: CommandRequest,
    actions: Mapping[str, Callable[[CommandRequest, Sequence[str]], Message | None]],
    usage: InvalidInput,
) -> Message | None:
    if not request.arguments or request.arguments[0].lower() not in actions:
        raise usage
    return actions[request.arguments[0].lower()](request, request.arguments[1:])


# ---------------------------------------------------------------- programmes


def _programme_values(programme_id: int | None, session: Session) -> dict[str, str]:
    if programme_id is None:
        return {
            Field.LENGTH_MONTHS: "12",
            Field.COACHING_ALLOWANCE: "4",
            Field.TIMEZONE: "Europe/London",
        }
    programme = session.get_one(Programme, programme_id)
    return {
        Field.NAME: programme.name,
        Field.LENGTH_MONTHS: str(programme.length_months),
        Field.COACHING_ALLOWANCE: str(programme.coaching_allowance),
        Field.STEERING_CHANNEL: programme.steering_channel_id or "",
        Field.TIMEZONE: programme.timezone,
    }


def _programme_add(request: CommandRequest, words: Sequence[str]) -> None:
    with request.uow() as session:
        request.require_coordinator(session)
        values = _programme_values(None, session)
    view = programme_modal(values, metadata=json.dumps({"programme_id": None}), editing=False)
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _programme_edit(request: CommandRequest, words: Sequence[str]) -> None:
    if len(words) != 1:
        raise _usage('programme edit "Programme name"')
    with request.uow() as session:
        request.require_coordinator(session)
        programme = find_programme(session, words[0])
        values = _programme_values(programme.id, session)
        metadata = json.dumps({"programme_id": programme.id})
    request.client.views_open(
        trigger_id=request.trigger_id, view=programme_modal(values, metadata=metadata, editing=True)
    )


def handle_command_programme(request: CommandRequest) -> Message | None:
    """`/cohort programme add|edit`."""
    actions = {"add": _programme_add, "edit": _programme_edit}
    return _dispatch(request, actions, _usage("programme add", 'programme edit "Programme name"'))


def handle_command_programmes(request: CommandRequest) -> Message:
    """`/cohort programmes`: every programme and its cohorts."""
    with request.uow() as session:
        lines = [
            ProgrammeLine(
                name=p.name,
                length_months=p.length_months,
                coaching_allowance=p.coaching_allowance,
                timezone=p.timezone,
                cohorts=[c.name for c in p.cohorts],
            )
            for p in list_programmes(session)
        ]
    return programmes_message(lines)


# ---------------------------------------------------------------- cohorts


def _cohort_add(request: CommandRequest, words: Sequence[str]) -> None:
    if len(words) != 1:
        raise _usage('cohort add "Programme name"')
    with request.uow() as session:
        request.require_coordinator(session)
        programme = find_programme(session, words[0])
        metadata = json.dumps({"programme_id": programme.id, "cohort_id": None})
        view = cohort_modal(
            {str(Field.CAPACITY): "15"}, programme=programme.name, metadata=metadata, editing=False
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _cohort_edit(request: CommandRequest, words: Sequence[str]) -> None:
    if len(words) != 2:
        raise _usage('cohort edit "Programme name" "Cohort name"')
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, words[0], words[1])
        values: dict[str, str] = {
            Field.NAME: cohort.name,
            Field.CAPACITY: str(cohort.capacity),
            Field.START_DATE: cohort.start_date.isoformat() if cohort.start_date else "",
        }
        metadata = json.dumps(
            {
                "programme_id": cohort.programme_id,
                "cohort_id": cohort.id,
                "version": fingerprint(cohort_snapshot(cohort)),
            }
        )
        view = cohort_modal(
            values, programme=cohort.programme.name, metadata=metadata, editing=True
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def handle_command_cohort(request: CommandRequest) -> Message | None:
    """`/cohort cohort add|edit`."""
    actions = {"add": _cohort_add, "edit": _cohort_edit}
    usage = _usage('cohort add "Programme"', 'cohort edit "Programme" "Cohort"')
    return _dispatch(request, actions, usage)


# ---------------------------------------------------------------- sessions


def session_form_context(cohort: Cohort, *, editing: bool) -> SessionFormContext:
    """The choices the session form offers for `cohort`."""
    return SessionFormContext(
        cohort=cohort_label(cohort),
        kinds=[(kind.value, label) for kind, label in timetable.KIND_LABELS.items()],
        groups=[(str(g.id), g.name) for g in cohort.groups],
        editing=editing,
    )


def _session_add(request: CommandRequest, words: Sequence[str]) -> None:
    if not words:
        raise _usage('session add "Programme" "Cohort"')
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = resolve_cohort(session, words)
        metadata = json.dumps({"cohort_id": cohort.id, "session_id": None})
        view = session_modal({}, session_form_context(cohort, editing=False), metadata=metadata)
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _facilitator_slack_id(row: ProgrammeSession) -> str:
    return (row.facilitator.slack_user_id or "") if row.facilitator else ""


def _session_edit(request: CommandRequest, words: Sequence[str]) -> None:
    if len(words) != 1:
        raise _usage("session edit <id>")
    with request.uow() as session:
        request.require_coordinator(session)
        row = find_session(session, words[0])
        values: dict[str, str] = {
            Field.KIND: row.kind.value,
            Field.TITLE: row.title,
            Field.LOCATION: row.location or "",
            Field.VIDEO_URL: row.video_url or "",
            Field.COMPULSORY: "compulsory" if row.compulsory else "optional",
            Field.AUDIENCE: str(row.action_learning_group_id or WHOLE_COHORT),
            Field.FACILITATOR: _facilitator_slack_id(row),
        }
        metadata = json.dumps(
            {
                "cohort_id": row.cohort_id,
                "session_id": row.id,
                "version": fingerprint(session_snapshot(row)),
            }
        )
        view = session_modal(
            values, session_form_context(row.cohort, editing=True), metadata=metadata
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _session_move(request: CommandRequest, words: Sequence[str]) -> None:
    if len(words) != 1:
        raise _usage("session move <id>")
    with request.uow() as session:
        request.require_coordinator(session)
        row = find_session(session, words[0])
        if row.status == SessionStatus.CANCELLED:
            raise InvalidInput(f"#{row.id} {row.title} is cancelled, so it cannot be moved.")
        tz = programme_zone(row.cohort)
        start, end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
        values: dict[str, str] = {
            Field.START_DATE: start.date().isoformat(),
            # An all-day session keeps both times empty.
            Field.START_TIME: "" if row.all_day else f"{start:%H:%M}",
            Field.END_DATE: end.date().isoformat(),
            Field.END_TIME: "" if row.all_day else f"{end:%H:%M}",
        }
        when = session_when(row.starts_at, row.ends_at, tz)
        view = move_modal(
            values,
            title=f"#{row.id} {row.title}",
            when=f"{when[0]} to {when[1]}",
            metadata=json.dumps({"session_id": row.id}),
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _session_cancel(request: CommandRequest, words: Sequence[str]) -> Message:
    if len(words) < 2:
        raise _usage("session cancel <id> <reason>")
    with request.uow() as session:
        request.require_coordinator(session)
        row = find_session(session, words[0])
        told = timetable.cancel_session(
            session, row.id, reason=request.rest(2), actor=request.user_id, now=request.now()
        )
        title = row.title
    return notice(f"Cancelled #{row.id} {title}. {told} people invited will be told why.")


def handle_command_session(request: CommandRequest) -> Message | None:
    """`/cohort session add|edit|move|cancel`."""
    actions: dict[str, Callable[[CommandRequest, Sequence[str]], Message | None]] = {
        "add": _session_add,
        "edit": _session_edit,
        "move": _session_move,
        "cancel": _session_cancel,
    }
    usage = _usage(
        'session add "Programme" "Cohort"',
        "session edit <id>",
        "session move <id>",
        "session cancel <id> <reason>",
    )
    return _dispatch(request, actions, usage)


# ---------------------------------------------------------------- calendar


def timetable_lines(
    rows: Sequence[ProgrammeSession], tz: ZoneInfo, *, with_year: bool = False
) -> list[TimetableLine]:
    """Timetable lines for `rows`, shown in `tz`."""
    lines = []
    for row in rows:
        lines.append(
            TimetableLine(
                id=row.id,
                title=row.title,
                kind=timetable.KIND_LABELS.get(row.kind, row.kind.value),
                when=session_span(row, tz, with_year=with_year),
                where=row.location or row.video_url or "",
                compulsory=row.compulsory,
                audience=row.group.name if row.group else "whole cohort",
                cancelled=row.status == SessionStatus.CANCELLED,
            )
        )
    return lines


def _own_enrolment(session: Session, user_id: str, words: Sequence[str]) -> Enrolment:
    enrolments = enrolled_places(session, user_id)
    if words:
        cohort = resolve_cohort(session, words)
        enrolments = [e for e in enrolments if e.cohort_id == cohort.id]
    if not enrolments:
        raise NotFound("You are not enrolled in a cohort, so you have no timetable yet.")
    return enrolments[-1]


def _user_zone(request: CommandRequest, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(request.client.users_info(user=request.user_id)["user"].get("tz") or "")
    except (ValueError, KeyError):
        return fallback


def handle_command_calendar(request: CommandRequest) -> Message:
    """`/cohort calendar [cohort]`: coordinators see the cohort's; participants their own, as .ics."""
    with request.uow() as session:
        words = request.arguments
        coordinator = timetable_is_coordinator(request, session)
        if coordinator and (words or not enrolled_places(session, request.user_id)):
            cohort = resolve_cohort(session, words) if words else only_cohort(session)
            tz = programme_zone(cohort)
            rows = cohort_timetable(session, cohort_id=cohort.id)
            shown = year_shown(cohort, rows, request.now().astimezone(tz).date())
            lines = timetable_lines(rows, tz, with_year=shown)
            footer = f"Times in {tz.key}. Ids (#) are for `/cohort session edit|move|cancel`."
            return timetable_message(f"Timetable: {cohort_label(cohort)}", lines, footer=footer)
        enrolment = _own_enrolment(session, request.user_id, request.arguments)
        cohort = enrolment.cohort
        rows = person_timetable(session, enrolment_id=enrolment.id)
        label = cohort_label(cohort)
        ics = timetable_ics(rows, calendar_name=label)
        tz = _user_zone(request, programme_zone(cohort))
        shown = year_shown(cohort, rows, request.now().astimezone(tz).date())
        lines = timetable_lines(rows, tz, with_year=shown)
    channel = request.client.conversations_open(users=request.user_id)["channel"]["id"]
    request.client.files_upload_v2(
        channel=channel, filename=ICS_FILENAME, content=ics, title=f"{label} timetable"
    )
    footer = (
        f"Times in {tz.key}. I've sent you {ICS_FILENAME} in a DM: open it to add these to Outlook."
    )
    return timetable_message(f"Your timetable: {label}", lines, footer=footer)


def timetable_is_coordinator(request: CommandRequest, session: Session) -> bool:
    """Whether the person asking may see a whole cohort's timetable."""
    return Role.COORDINATOR in request.roles(session)


# ---------------------------------------------------------------- groups


def _groups_split(request: CommandRequest, words: Sequence[str]) -> Message:
    if len(words) not in (2, 3) or (len(words) == 3 and not words[2].isdigit()):
        raise _usage('groups split "Programme" "Cohort" [number of groups]')
    n = int(words[2]) if len(words) == 3 else groups_service.DEFAULT_GROUPS
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, words[0], words[1])
        listing = groups_service.split_cohort(
            session, cohort, n, actor=request.user_id, now=request.now()
        )
        label = cohort_label(cohort)
    return groups_message(f"Groups for {label}", listing.groups)


def _groups_move(request: CommandRequest, words: Sequence[str]) -> Message:
    if len(words) != 2:
        raise _usage('groups move @person "Group 2"')
    slack_user_id = parse_mention(words[0])
    with request.uow() as session:
        request.require_coordinator(session)
        name, group = groups_service.move_to_group(
            session, slack_user_id, words[1], actor=request.user_id, now=request.now()
        )
    return notice(f"Moved {name} to {group}. Their invitations now follow that group.")


def _groups_show(request: CommandRequest, words: Sequence[str]) -> Message:
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = resolve_cohort(session, words)
        listing = groups_service.list_groups(session, cohort)
        label = cohort_label(cohort)
    return groups_message(f"Groups for {label}", listing.groups)


def handle_command_groups(request: CommandRequest) -> Message:
    """`/cohort groups split|move`, or `/cohort groups <programme> <cohort>` to show them."""
    words = request.arguments
    if words and words[0].lower() == "split":
        return _groups_split(request, words[1:])
    if words and words[0].lower() == "move":
        return _groups_move(request, words[1:])
    if not words:
        raise _usage(
            'groups "Programme" "Cohort"',
            'groups split "Programme" "Cohort" [n]',
            'groups move @person "Group 2"',
        )
    return _groups_show(request, words)


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "programme", "add | edit <programme>", "Create or edit a programme (coordinators)."
        ),
        handle_command_programme,
    ),
    Route(
        Subcommand("programmes", "", "List programmes and their cohorts."),
        handle_command_programmes,
    ),
    Route(
        Subcommand(
            "cohort",
            "add <programme> | edit <programme> <cohort>",
            "Create or edit a cohort (coordinators).",
        ),
        handle_command_cohort,
    ),
    Route(
        Subcommand(
            "session",
            "add <programme> <cohort> | edit <id> | move <id> | cancel <id> <reason>",
            "Plan, edit, move or cancel a session (coordinators).",
        ),
        handle_command_session,
    ),
    Route(
        Subcommand(
            "calendar",
            "[<programme> <cohort>]",
            "See a timetable; participants also get it as an .ics file for Outlook.",
        ),
        handle_command_calendar,
    ),
    Route(
        Subcommand(
            "groups",
            "<programme> <cohort> | split <programme> <cohort> [n] | move @person <group>",
            "Show, split or change a cohort's action learning groups (coordinators).",
        ),
        handle_command_groups,
    ),
)
