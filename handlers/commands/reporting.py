"""`/cohort report` and `/cohort digest send`: the steering group's digest, for coordinators."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from bot.core.dates import parse_date
from bot.core.errors import InvalidInput, NotFound
from bot.core.mrkdwn import Mrkdwn
from bot.core.render import render
from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import find_programme, list_programmes, resolve_cohort
from bot.reporting.digest.delivery import build_digest, send_digest_now, steering_channel
from bot.slack.blocks import Message, mrkdwn_notice, to_message
from db.models import Cohort, Programme
from handlers.commands.routing import CommandRequest, Route

REPORT = Subcommand(
    "report",
    '["<programme>" "<cohort>"] [--since YYYY-MM-DD]',
    "Coordinators: preview the steering group's digest (what changed since a date, if given).",
)
DIGEST = Subcommand(
    "digest",
    'send ["<programme>"]',
    "Coordinators: post the digest to the programme's steering channel now.",
)
SINCE = "--since"


def split_since(words: Sequence[str]) -> tuple[tuple[str, ...], date | None]:
    """The words without `--since DATE` (or `--since=DATE`), and that date if given."""
    rest: list[str] = []
    since: date | None = None
    items = iter(words)
    for word in items:
        if word == SINCE or word.startswith(SINCE + "="):
            text = word.partition("=")[2] or next(items, "")
            if not text:
                raise InvalidInput(
                    "Give a date after --since, such as --since 2017-02-23.", field=SINCE
                )
            since = parse_date(text, SINCE)
        else:
            rest.append(word)
    return tuple(rest), since


def only_programme(session: Session) -> Programme:
    """The one programme there is, or `InvalidInput` asking which (listing them)."""
    programmes = list_programmes(session)
    if len(programmes) == 1:
        return programmes[0]
    if not programmes:
        raise NotFound("There are no programmes yet: add one with `/cohort programme add`.")
    names = ", ".join(f'"{p.name}"' for p in programmes)
    raise InvalidInput(f"Which programme? Name it in quotes. Programmes: {names}.")


def report_scope(session: Session, words: Sequence[str]) -> tuple[Programme, Cohort | None]:
    """The programme (and cohort, if one is named) a report is about."""
    if not words:
        return only_programme(session), None
    if len(words) == 1:
        try:
            return find_programme(session, words[0]), None
        except NotFound:
            pass
    cohort = resolve_cohort(session, words)
    return cohort.programme, cohort


def handle_command_report(request: CommandRequest) -> Message:
    """`/cohort report …`: the digest, shown only to the coordinator, without its files."""
    words, since = split_since(request.arguments)
    with request.uow() as session:
        request.require_coordinator(session)
        programme, cohort = report_scope(session, words)
        digest = build_digest(
            session,
            programme,
            request.now(),
            cohort_ids=[cohort.id] if cohort else None,
            since=since,
            preview=True,
            default_channel=request.services.settings.steering_channel,
        )
    return to_message(digest.message)


def handle_command_digest(request: CommandRequest) -> Message:
    """`/cohort digest send ["<programme>"]`: owe the steering channel the digest now."""
    words = request.arguments
    if not words or words[0].casefold() != "send":
        raise InvalidInput(f"Use: `{DIGEST.usage}`.")
    now = request.now()
    with request.uow() as session:
        request.require_coordinator(session)
        programme = find_programme(session, words[1]) if len(words) > 1 else only_programme(session)
        default_channel = request.services.settings.steering_channel
        sent_to = send_digest_now(
            session,
            programme,
            now,
            request_key=request.trigger_id or now.isoformat(),
            default_channel=default_channel,
        )
        where = sent_to or steering_channel(programme, default_channel)
        channel = Mrkdwn(f"<#{where}>")
        name = programme.name
    return mrkdwn_notice(
        render("digest/sent.j2", name=name, channel=channel, sent=sent_to is not None)
    )


# Not instant: the digest's figures, charts and workbook take longer than Slack waits.
ROUTES: tuple[Route, ...] = (
    Route(REPORT, handle_command_report),
    Route(DIGEST, handle_command_digest),
)
