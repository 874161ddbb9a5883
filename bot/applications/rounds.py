"""Advertising rounds ('phases'): the periods when a programme takes applications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.applications.screening import parse_criterion
from bot.core.audit import record_change
from bot.core.dates import parse_date
from bot.core.errors import InvalidInput, NotFound
from bot.core.mrkdwn import shorten
from bot.core.timefmt import format_day
from db.models import AdvertisingRound, Programme


@dataclass(frozen=True)
class RoundAdded:
    """A new round, and any rounds of the same programme it overlaps (a warning, not an error)."""

    round: AdvertisingRound
    overlapping: tuple[AdvertisingRound, ...]


def find_programme(session: Session, name: str) -> Programme:
    """The programme called `name` (ignoring case), or `NotFound`."""
    programme = session.scalar(
        select(Programme).where(func.lower(Programme.name) == name.strip().lower())
    )
    if programme is None:
        raise NotFound(f"There is no programme called '{shorten(name)}'.")
    return programme


def local_today(programme: Programme, now: datetime) -> date:
    """Today's date where the programme runs."""
    return now.astimezone(ZoneInfo(programme.timezone)).date()


def add_round(
    session: Session,
    *,
    programme_name: str,
    name: str,
    opens: str,
    closes: str,
    actor: str,
    now: datetime,
) -> RoundAdded:
    """Add an advertising round; refuses a close before the opening or a duplicate name."""
    programme = find_programme(session, programme_name)
    year = local_today(programme, now).year
    opens_on = parse_date(opens, "opens", default_year=year)
    closes_on = parse_date(closes, "closes", default_year=year)
    if closes_on < opens_on:
        raise InvalidInput("closes: a round cannot close before it opens.", field="closes")
    if not name.strip():
        raise InvalidInput("name: give the round a name.", field="name")
    if any(existing.name.lower() == name.strip().lower() for existing in programme.rounds):
        raise InvalidInput(
            f"name: {programme.name} already has a round called '{shorten(name)}'.", field="name"
        )
    overlapping = tuple(
        existing
        for existing in programme.rounds
        if existing.opens_on <= closes_on and opens_on <= existing.closes_on
    )
    advertising_round = AdvertisingRound(
        programme=programme, name=name.strip(), opens_on=opens_on, closes_on=closes_on
    )
    session.add(advertising_round)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="round.create",
        entity=advertising_round,
        before=None,
        after={
            "programme_id": programme.id,
            "name": advertising_round.name,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
        },
        now=now,
    )
    return RoundAdded(advertising_round, overlapping)


def rounds_of(session: Session, programme_name: str) -> tuple[Programme, list[AdvertisingRound]]:
    """A programme and its rounds, earliest first."""
    programme = find_programme(session, programme_name)
    return programme, list(programme.rounds)


def open_round(programme: Programme, now: datetime) -> AdvertisingRound | None:
    """The round taking applications today, if any (the latest-opened when rounds overlap)."""
    today = local_today(programme, now)
    current = [r for r in programme.rounds if r.opens_on <= today <= r.closes_on]
    return max(current, key=lambda r: r.opens_on) if current else None


def next_round(programme: Programme, now: datetime) -> AdvertisingRound | None:
    """The next round still to open, if any."""
    today = local_today(programme, now)
    future = [r for r in programme.rounds if r.opens_on > today]
    return min(future, key=lambda r: r.opens_on) if future else None


def find_round(programme: Programme, name: str) -> AdvertisingRound:
    """The programme's round called `name` (ignoring case), or `NotFound`."""
    for advertising_round in programme.rounds:
        if advertising_round.name.lower() == name.strip().lower():
            return advertising_round
    raise NotFound(f"{programme.name} has no round called '{shorten(name)}'.")


def day_and_year(day: date) -> str:
    """'Thu 23 Feb 2017'."""
    return f"{format_day(day)} {day.year}"


def programme_to_apply_to(
    session: Session, programme_name: str, now: datetime
) -> tuple[Programme, AdvertisingRound] | str:
    """The programme (named, or the only one open) and its open round; else why not, as text."""
    if programme_name.strip():
        programme = find_programme(session, programme_name)
    else:
        programmes = session.scalars(select(Programme).order_by(Programme.name))
        open_now = [p for p in programmes if open_round(p, now) is not None]
        if not open_now:
            return "No programme is taking applications at the moment."
        if len(open_now) > 1:
            names = ", ".join(f"'{p.name}'" for p in open_now)
            return f"Say which programme: /cohort apply <programme> (open now: {names})."
        programme = open_now[0]
    current = open_round(programme, now)
    if current is not None:
        return programme, current
    upcoming = next_round(programme, now)
    if upcoming is None:
        return f"{programme.name} is not taking applications, and no round is planned."
    return (
        f"{programme.name} is not taking applications now. The next round, {upcoming.name}, "
        f"opens on {day_and_year(upcoming.opens_on)} and closes on "
        f"{day_and_year(upcoming.closes_on)}."
    )


def set_criteria(
    session: Session, programme: Programme, typed: list[str], *, actor: str, now: datetime
) -> list[str]:
    """Replace the programme's non-negotiable criteria (`none` clears them); audited."""
    lowered = [text.lower() for text in typed]
    criteria = [] if lowered == ["none"] else [parse_criterion(text) for text in typed]
    before = list(programme.non_negotiables or [])
    programme.non_negotiables = criteria
    session.flush()
    record_change(
        session,
        actor=actor,
        action="programme.criteria",
        entity=programme,
        before={"non_negotiables": before},
        after={"non_negotiables": criteria},
        now=now,
    )
    return criteria
