"""Finding the person a data-subject request is about: by Slack mention or by e-mail address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import InvalidInput, NotFound
from bot.core.mentions import parse_mention
from bot.core.mrkdwn import shorten
from db.models import Person, normalise_email


def person_by_mention(session: Session, mention: str) -> Person:
    """The person behind a typed `@mention`; NotFound if the bot holds nothing about them."""
    slack_user_id = parse_mention(mention)
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    if person is None or person.erased_at is not None:
        raise NotFound(f"I hold no records about <@{slack_user_id}>.")
    return person


def person_by_email(session: Session, email: str) -> Person:
    """The person with this e-mail address; NotFound if the bot holds nothing about them."""
    address = normalise_email(email)
    if address is None or "@" not in address:
        raise InvalidInput(f"'{shorten(email)}' is not an e-mail address.")
    person = session.scalar(select(Person).where(Person.email == address))
    if person is None or person.erased_at is not None:
        raise NotFound(f"I hold no records about {shorten(address)}.")
    return person
