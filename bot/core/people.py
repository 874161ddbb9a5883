"""People as Slack knows them: finding a person by their Slack account, or creating them from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record_change
from bot.core.errors import NotFound
from db.models import Enrolment, Person


def person_by_slack_id(session: Session, slack_user_id: str) -> Person | None:
    """The person with this Slack account, if the bot knows them."""
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def zone_of(enrolment: Enrolment) -> ZoneInfo:
    """The participant's Slack time zone, else their programme's."""
    for name in (enrolment.person.slack_tz, enrolment.cohort.programme.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError, OSError):
                continue
    return ZoneInfo("Europe/London")


@dataclass(frozen=True)
class SlackProfile:
    """What Slack's users.info tells us about a person."""

    slack_user_id: str
    name: str
    email: str | None
    tz: str | None


def person_from_slack(
    session: Session, profile: SlackProfile, *, actor: str, now: datetime
) -> Person:
    """The person with this Slack account (matched by id, then email), created or brought up to date."""
    person = person_by_slack_id(session, profile.slack_user_id)
    if person is None and profile.email:
        person = session.scalar(select(Person).where(Person.email == profile.email.lower()))
    before = None if person is None else _person_snapshot(person)
    if person is None:
        person = Person(name=profile.name)
        session.add(person)
    person.slack_user_id = profile.slack_user_id
    person.name = profile.name
    if profile.email:
        person.email = profile.email
    if profile.tz:
        person.slack_tz = profile.tz
    session.flush()
    after = _person_snapshot(person)
    if after != before:
        action = "person.create" if before is None else "person.update"
        record_change(
            session, actor=actor, action=action, entity=person, before=before, after=after, now=now
        )
    return person


def _person_snapshot(person: Person) -> dict[str, Any]:
    return {
        "slack_user_id": person.slack_user_id,
        "name": person.name,
        "email": person.email,
        "slack_tz": person.slack_tz,
    }


def person_with_slack_id(session: Session, slack_user_id: str) -> Person:
    """The person with this Slack account, or `NotFound`."""
    person = person_by_slack_id(session, slack_user_id)
    if person is None:
        raise NotFound("That person has never been enrolled, so there is nothing to change.")
    return person
