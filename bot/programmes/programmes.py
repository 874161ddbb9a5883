"""Programmes and cohorts: creating and editing them, and finding them by the names people type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record_change
from bot.core.concurrency import fingerprint, locked, require_unchanged
from bot.core.errors import InvalidInput, NotFound
from bot.core.months import add_months
from bot.core.mrkdwn import shorten
from bot.core.timefmt import day_with_year
from bot.programmes.fields import Field
from db.models import Cohort, Programme, ProgrammeSession

DEFAULT_TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class ProgrammeDetails:
    """What a coordinator says about a programme."""

    name: str
    length_months: int = 12
    coaching_allowance: int = 4
    steering_channel_id: str | None = None
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class CohortDetails:
    """What a coordinator says about a cohort."""

    name: str
    capacity: int = 15
    start_date: date | None = None


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none yet"


def find_programme(session: Session, name: str) -> Programme:
    """The programme called `name` (ignoring case), or `NotFound` listing the programmes."""
    programmes = list(session.scalars(select(Programme).order_by(Programme.name)))
    for programme in programmes:
        if programme.name.casefold() == name.strip().casefold():
            return programme
    raise NotFound(
        f"No programme called '{shorten(name)}'. Programmes: {_names([p.name for p in programmes])}."
    )


def find_cohort(session: Session, programme_name: str, cohort_name: str) -> Cohort:
    """The cohort called `cohort_name` in the named programme, or `NotFound` listing its cohorts."""
    programme = find_programme(session, programme_name)
    for cohort in programme.cohorts:
        if cohort.name.casefold() == cohort_name.strip().casefold():
            return cohort
    raise NotFound(
        f"No cohort called '{shorten(cohort_name)}' in {programme.name}. "
        f"Cohorts: {_names([c.name for c in programme.cohorts])}."
    )


def cohort_label(cohort: Cohort) -> str:
    """'Programme / Cohort', as lists show it."""
    return cohort_label_of(cohort.programme.name, cohort.name)


def cohort_label_of(programme: str, cohort: str) -> str:
    """`cohort_label` from the two names, for readers that select columns rather than objects."""
    return f"{programme} / {cohort}"


def resolve_cohort(session: Session, words: Sequence[str]) -> Cohort:
    """A cohort named as `programme cohort`, `programme/cohort`, or a cohort name used only once."""
    if len(words) == 2:
        return find_cohort(session, words[0], words[1])
    if len(words) != 1:
        raise InvalidInput("Name the cohort as: programme cohort (quote names with spaces).")
    if "/" in words[0]:
        programme_name, _, cohort_name = words[0].partition("/")
        return find_cohort(session, programme_name.strip(), cohort_name.strip())
    cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id)))
    matches = [c for c in cohorts if c.name.casefold() == words[0].strip().casefold()]
    if len(matches) == 1:
        return matches[0]
    try:
        programme = find_programme(session, words[0])
    except NotFound:
        programme = None
    if programme is not None and len(programme.cohorts) == 1:
        return programme.cohorts[0]
    if matches:
        raise InvalidInput(
            f"More than one programme has a cohort called '{shorten(words[0])}': "
            f"{_names([cohort_label(c) for c in matches])}. Name the programme too."
        )
    raise NotFound(
        f"No cohort called '{shorten(words[0])}'. Cohorts: {_names([cohort_label(c) for c in cohorts])}."
    )


def only_cohort(session: Session) -> Cohort:
    """The one cohort there is, or `InvalidInput` asking which (listing them)."""
    cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id)))
    if len(cohorts) == 1:
        return cohorts[0]
    raise InvalidInput(
        "Which cohort? Name it as: programme cohort. "
        f"Cohorts: {_names([cohort_label(c) for c in cohorts])}."
    )


def find_session(session: Session, session_id: str) -> ProgrammeSession:
    """The session with the id shown in lists (e.g. '12' or '#12'), or `NotFound`."""
    cleaned = session_id.strip().lstrip("#")
    if not cleaned.isdigit():
        raise InvalidInput(
            f"'{shorten(session_id)}' is not a session id: use the number shown in lists."
        )
    found = session.get(ProgrammeSession, int(cleaned))
    if found is None:
        raise NotFound(f"No session #{cleaned}. `/cohort calendar` lists sessions with their ids.")
    return found


def list_programmes(session: Session) -> list[Programme]:
    """Every programme, by name."""
    return list(session.scalars(select(Programme).order_by(Programme.name)))


def _check_programme(session: Session, details: ProgrammeDetails, programme_id: int | None) -> None:
    if not details.name.strip():
        raise InvalidInput("Give the programme a name.", field=Field.NAME)
    wanted = details.name.strip().casefold()
    clash = next(
        (
            p
            for p in list_programmes(session)
            if p.name.casefold() == wanted and p.id != programme_id
        ),
        None,
    )
    if clash is not None:
        raise InvalidInput(f"There is already a programme called '{clash.name}'.", field=Field.NAME)
    if details.length_months < 1:
        raise InvalidInput("The length must be at least 1 month.", field=Field.LENGTH_MONTHS)
    if details.coaching_allowance < 0:
        raise InvalidInput(
            "The coaching allowance cannot be negative.", field=Field.COACHING_ALLOWANCE
        )
    try:
        ZoneInfo(details.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: zoneinfo reads the name as a file path (a 256-character one is too long).
        raise InvalidInput(
            f"'{shorten(details.timezone)}' is not a time zone I know (such as Europe/London).",
            field=Field.TIMEZONE,
        ) from None


def programme_snapshot(programme: Programme) -> dict[str, Any]:
    """The programme's settings as the audit trail records them."""
    return asdict(
        ProgrammeDetails(
            name=programme.name,
            length_months=programme.length_months,
            coaching_allowance=programme.coaching_allowance,
            steering_channel_id=programme.steering_channel_id,
            timezone=programme.timezone,
        )
    )


def save_programme(
    session: Session,
    details: ProgrammeDetails,
    *,
    programme_id: int | None,
    actor: str,
    now: datetime,
) -> Programme:
    """Create a programme (`programme_id` None) or change one; audited."""
    _check_programme(session, details, programme_id)
    if programme_id is None:
        programme, before = Programme(), None
        session.add(programme)
    else:
        programme = session.get_one(Programme, programme_id)
        before = programme_snapshot(programme)
    programme.name = details.name.strip()
    programme.length_months = details.length_months
    programme.coaching_allowance = details.coaching_allowance
    programme.steering_channel_id = details.steering_channel_id
    programme.timezone = details.timezone
    session.flush()
    action = "programme.create" if before is None else "programme.edit"
    after = programme_snapshot(programme)
    record_change(
        session, actor=actor, action=action, entity=programme, before=before, after=after, now=now
    )
    return programme


def cohort_snapshot(cohort: Cohort) -> dict[str, Any]:
    """The cohort's settings as the audit trail records them."""
    start = cohort.start_date.isoformat() if cohort.start_date else None
    return {"name": cohort.name, "capacity": cohort.capacity, "start_date": start}


def save_cohort(
    session: Session,
    details: CohortDetails,
    *,
    programme_id: int,
    cohort_id: int | None,
    actor: str,
    now: datetime,
    expected: str | None = None,
) -> Cohort:
    """Create a cohort of a programme (`cohort_id` None) or change one; audited, offering nothing.

    `expected` is the fingerprint of the cohort as the form showed it (`bot.core.concurrency`).
    """
    # Freed places are enrolment's to offer, and it builds on this module: a coordinator's change
    # goes through `bot.enrolment.cohorts.save_cohort`, which saves here and then offers them.
    name = details.name.strip()
    if not name:
        raise InvalidInput("Give the cohort a name.", field=Field.NAME)
    programme = session.get_one(Programme, programme_id)
    for other in programme.cohorts:
        if other.id != cohort_id and other.name.casefold() == name.casefold():
            raise InvalidInput(
                f"{programme.name} already has a cohort called '{other.name}'.", field=Field.NAME
            )
    if details.capacity < 1:
        raise InvalidInput("The capacity must be at least 1.", field=Field.CAPACITY)
    if cohort_id is None:
        cohort, before = Cohort(programme=programme), None
        session.add(cohort)
    else:
        cohort = locked(session, Cohort, cohort_id, "That cohort no longer exists.")
        before = cohort_snapshot(cohort)
        require_unchanged(
            expected,
            fingerprint(before),
            what=f"The cohort {cohort.name}",
            now_is=f"{cohort.name}, capacity {cohort.capacity}, "
            + (
                f"starting {day_with_year(cohort.start_date)}"
                if cohort.start_date
                else "no start date"
            ),
        )
    cohort.name, cohort.capacity, cohort.start_date = name, details.capacity, details.start_date
    session.flush()
    record_change(
        session,
        actor=actor,
        action="cohort.create" if before is None else "cohort.edit",
        entity=cohort,
        before=before,
        after=cohort_snapshot(cohort),
        now=now,
    )
    return cohort


def programme_window(cohort: Cohort) -> tuple[date, date] | None:
    """The cohort's first and last day (start .. start + programme length), if it has a start."""
    if cohort.start_date is None:
        return None
    return cohort.start_date, add_months(cohort.start_date, cohort.programme.length_months)


def programme_zone(cohort: Cohort) -> ZoneInfo:
    """The time zone the cohort's programme runs in."""
    return ZoneInfo(cohort.programme.timezone)
