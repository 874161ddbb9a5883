"""Helpers for the application tests (no tests here): seeding programmes and talking to the bot."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from bot.standin.workspace import StoredView
from db.engine import unit_of_work
from db.models import AdvertisingRound, Cohort, Programme

PROGRAMME = "Aspirant Directors"

ANSWERS: dict[str, str] = {
    "name": "Pat Participant",
    "email": "pat@example.nhs.uk",
    "job_title": "Deputy director of workforce",
    "organisation": "Leeds Teaching Hospitals",
    "organisation_type": "acute",
    "region": "Yorkshire & Humber",
    "current_level": "Deputy director",
    "recent_provider_experience": "yes",
    "professional_accreditation": "Chartered member of the CIPD",
    "supporting_statement": "I want to lead.",
}


def seed_programme(
    db: sessionmaker[Session],
    *,
    criteria: list[str] | None = None,
    rounds: tuple[tuple[str, date, date], ...] = (
        ("Round 1", date(2017, 1, 15), date(2017, 2, 28)),
    ),
    cohort: str | None = "Cohort 1",
) -> int:
    """A programme with advertising rounds (the first open on NOW) and a cohort; returns its id."""
    with unit_of_work(db) as session:
        programme = Programme(name=PROGRAMME, non_negotiables=criteria or [])
        session.add(programme)
        for name, opens, closes in rounds:
            session.add(
                AdvertisingRound(programme=programme, name=name, opens_on=opens, closes_on=closes)
            )
        if cohort:
            session.add(
                Cohort(programme=programme, name=cohort, capacity=15, start_date=date(2017, 4, 1))
            )
        session.flush()
        return programme.id


def command(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """Send `/cohort text` and return the fallback text of the reply sent to its response_url."""
    result = slack.slash_command(user_id, text)
    assert result.status == 200

    def replies() -> list[dict[str, Any]]:
        return [payload for url, payload in standin.responses if url == result.response_url]

    return str(standin.wait_for(replies)[0]["text"])


def open_application_form(slack: SlackSender, standin: SlackStandin, user_id: str) -> StoredView:
    """`/cohort apply` and the modal it opened."""
    before = set(standin.views)
    opened = len(standin.calls_to("views.open"))
    slack.slash_command(user_id, "apply")
    standin.wait_for("views.open", count=opened + 1)
    (view_id,) = set(standin.views) - before
    return standin.views[view_id]


def form_values(
    answers: dict[str, str], *, consent: bool = False
) -> dict[str, dict[str, dict[str, Any]]]:
    """Modal state values for `answers` (field name to text), as Slack would submit them."""
    action = "application.input"
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for field, text in answers.items():
        if field in {
            "organisation_type",
            "region",
            "recent_provider_experience",
            "gender",
            "ethnicity",
        }:
            kind = "radio_buttons" if field == "recent_provider_experience" else "static_select"
            option = {"value": text, "text": {"type": "plain_text", "text": text}} if text else None
            values[f"application.{field}"] = {action: {"type": kind, "selected_option": option}}
        elif field == "email":
            values["application.email"] = {action: {"type": "email_text_input", "value": text}}
        else:
            values[f"application.{field}"] = {action: {"type": "plain_text_input", "value": text}}
    selected = (
        [{"value": "consent", "text": {"type": "plain_text", "text": "consent"}}] if consent else []
    )
    values["application.diversity_consent"] = {
        action: {"type": "checkboxes", "selected_options": selected}
    }
    return values


def submit_form(
    slack: SlackSender,
    standin: SlackStandin,
    user_id: str,
    view: StoredView,
    answers: dict[str, str],
    *,
    consent: bool = False,
) -> dict[str, Any]:
    """Submit the application modal; returns the acknowledgement body ({} for a plain ack)."""
    payload = standin.view_submission(
        view.id, user_id=user_id, values=form_values(answers, consent=consent)
    )
    result = slack.interaction(payload)
    assert result.status == 200
    if not result.body.strip():
        return {}
    body = result.json()
    return body if isinstance(body, dict) else {}
