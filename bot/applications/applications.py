"""Applications and selection: submitting, screening on arrival, status changes and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.applications.form import ApplicationAnswers
from bot.applications.messages import ApplicationFeedback
from bot.applications.rounds import find_programme
from bot.applications.screening import screen
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound
from bot.core.mrkdwn import shorten
from bot.core.outbox import enqueue
from bot.core.people import person_by_slack_id
from bot.enrolment.enrolment import enrol
from db.enums import ApplicationStatus, ScreeningResult
from db.models import (
    AdvertisingRound,
    Application,
    ApplicationStatusChange,
    Cohort,
    Person,
    Programme,
)

Status = ApplicationStatus
SYSTEM = "system"
FEEDBACK_MARKER = "feedback:"

# received → screened out | shortlisted → interviewed → offered → accepted | declined;
# unsuccessful and withdrawn from any live stage.
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    Status.RECEIVED: frozenset({Status.SCREENED_OUT, Status.SHORTLISTED}),
    Status.SHORTLISTED: frozenset({Status.INTERVIEWED}),
    Status.INTERVIEWED: frozenset({Status.OFFERED}),
    Status.OFFERED: frozenset({Status.ACCEPTED, Status.DECLINED}),
}
for _live in Status.live():
    TRANSITIONS[_live] = TRANSITIONS[_live] | {Status.UNSUCCESSFUL, Status.WITHDRAWN}
FEEDBACK_STATUSES = frozenset({Status.UNSUCCESSFUL, Status.SCREENED_OUT})


def status_label(status: ApplicationStatus) -> str:
    """'screened out'."""
    return status.value.replace("_", " ")


def parse_status(text: str) -> ApplicationStatus:
    """A status as typed ('screened-out', 'Shortlisted'), or `InvalidInput` listing them."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ApplicationStatus(key)
    except ValueError:
        names = ", ".join(status.value for status in ApplicationStatus)
        raise InvalidInput(
            f"There is no status '{shorten(text)}'. Statuses: {names}.", field="status"
        ) from None


def check_transition(current: ApplicationStatus, target: ApplicationStatus) -> None:
    """Refuse a move the selection process does not allow, saying which moves are allowed."""
    allowed = TRANSITIONS.get(current, frozenset())
    if target in allowed:
        return
    if not allowed:
        raise InvalidInput(
            f"This application is {status_label(current)}, which is final: it cannot become "
            f"{status_label(target)}.",
            field="status",
        )
    options = ", ".join(sorted(status_label(status) for status in allowed))
    raise InvalidInput(
        f"An application that is {status_label(current)} cannot become {status_label(target)}. "
        f"It can become: {options}.",
        field="status",
    )


def split_reason(text: str) -> tuple[str | None, str | None]:
    """'reason … feedback: text for the applicant' → (reason, feedback)."""
    index = text.lower().find(FEEDBACK_MARKER)
    if index < 0:
        return text.strip() or None, None
    reason, feedback = text[:index].strip(), text[index + len(FEEDBACK_MARKER) :].strip()
    return reason or None, feedback or None


def live_application(session: Session, programme_id: int, person_id: int) -> Application | None:
    """The person's application still going through selection for this programme, if any."""
    return session.scalar(
        select(Application).where(
            Application.programme_id == programme_id,
            Application.person_id == person_id,
            Application.status.in_(Status.live()),
        )
    )


def find_or_add_person(
    session: Session, answers: ApplicationAnswers, slack_user_id: str | None
) -> Person:
    """The applicant's Person (by Slack id, then email), added if new, profile brought up to date."""
    person = None
    if slack_user_id is not None:
        person = person_by_slack_id(session, slack_user_id)
    if person is None:
        person = session.scalar(select(Person).where(Person.email == answers.email))
        if person is not None and slack_user_id is not None:
            if person.slack_user_id not in (None, slack_user_id):
                # Nobody may apply, or act, as someone else by typing their email.
                raise InvalidInput(
                    "That email belongs to someone else's Slack account: use your own.",
                    field="email",
                )
            person.slack_user_id = slack_user_id
    if person is None:
        person = Person(name=answers.name, email=answers.email, slack_user_id=slack_user_id)
        session.add(person)
    person.job_title = answers.job_title
    person.organisation = answers.organisation
    person.organisation_type = answers.organisation_type
    person.region = answers.region
    session.flush()
    return person


def submit_application(
    session: Session,
    *,
    programme: Programme,
    advertising_round: AdvertisingRound | None,
    answers: ApplicationAnswers,
    slack_user_id: str | None,
    actor: str,
    now: datetime,
) -> Application:
    """Record an application and screen it at once against the programme's non-negotiables."""
    person = find_or_add_person(session, answers, slack_user_id)
    live = live_application(session, programme.id, person.id)
    if live is not None:
        raise InvalidInput(
            f"{answers.name} already has an application to {programme.name} "
            f"(number {live.id}, {status_label(live.status)}); only one at a time is allowed.",
            field="email",
        )
    previous = session.scalar(
        select(Application)
        .where(Application.programme_id == programme.id, Application.person_id == person.id)
        .order_by(Application.submitted_at.desc(), Application.id.desc())
        .limit(1)
    )
    outcome = screen(answers, programme.non_negotiables or [])
    application = Application(
        programme=programme,
        round=advertising_round,
        person=person,
        status=Status.RECEIVED if outcome.passed else Status.SCREENED_OUT,
        job_title=answers.job_title,
        organisation=answers.organisation,
        organisation_type=answers.organisation_type,
        region=answers.region,
        current_level=answers.current_level,
        recent_provider_experience=answers.recent_provider_experience,
        professional_accreditation=answers.professional_accreditation,
        supporting_statement=answers.supporting_statement,
        diversity_consent=answers.diversity_consent,
        gender=answers.gender,
        ethnicity=answers.ethnicity,
        screening_result=(
            ScreeningResult.MEETS_CRITERIA
            if outcome.passed
            else ScreeningResult.DOES_NOT_MEET_CRITERIA
        ),
        screening_reason=outcome.reason,
        screened_by=SYSTEM,
        screened_at=now,
        previous_application=previous,
        submitted_at=now,
    )
    session.add(application)
    application.status_changes.append(
        ApplicationStatusChange(
            from_status=None, to_status=Status.RECEIVED, changed_by=actor, changed_at=now
        )
    )
    if not outcome.passed:
        application.status_changes.append(
            ApplicationStatusChange(
                from_status=Status.RECEIVED,
                to_status=Status.SCREENED_OUT,
                changed_by=SYSTEM,
                changed_at=now,
                reason=outcome.reason,
                feedback=(
                    "Your application did not meet the programme's essential criteria: "
                    f"{outcome.reason}."
                ),
            )
        )
    session.flush()
    record_change(
        session,
        actor=actor,
        action="application.create",
        entity=application,
        before=None,
        after=_snapshot(application),
        now=now,
    )
    return application


def _snapshot(application: Application) -> dict[str, object]:
    return {
        "programme_id": application.programme_id,
        "person_id": application.person_id,
        "round_id": application.round_id,
        "status": application.status.value,
        "offered_cohort_id": application.offered_cohort_id,
        "screening_result": application.screening_result.value
        if application.screening_result
        else None,
    }


def get_application(session: Session, application_id: str) -> Application:
    """The application numbered `application_id` (as typed), or `NotFound`."""
    number = application_id.removeprefix("#")
    application = session.get(Application, int(number)) if number.isdigit() else None
    if application is None:
        raise NotFound(f"There is no application number {application_id}.")
    return application


@dataclass(frozen=True)
class StatusChanged:
    """What a status change did."""

    application: Application
    before: ApplicationStatus
    enrolment_status: str | None


def change_status(
    session: Session,
    *,
    application_id: str,
    status: str,
    details: Sequence[str],
    actor: str,
    now: datetime,
) -> StatusChanged:
    """Move an application on; `offered` names the cohort first in `details`; `accepted` enrols."""
    application = get_application(session, application_id)
    target = parse_status(status)
    check_transition(application.status, target)
    if target == Status.OFFERED:
        if not details:
            raise InvalidInput(
                "Say which cohort the offer is for: "
                f"`/cohort application {application.id} offered <cohort> [reason]`.",
                field="cohort",
            )
        cohort_name, *details = details
        application.offered_cohort_id = _cohort_of(session, application.programme, cohort_name).id
    reason, feedback = split_reason(" ".join(details))
    before = _snapshot(application)
    previous_status = application.status
    application.status = target
    application.status_changes.append(
        ApplicationStatusChange(
            from_status=previous_status,
            to_status=target,
            changed_by=actor,
            changed_at=now,
            reason=reason,
            feedback=feedback,
        )
    )
    session.flush()
    record_change(
        session,
        actor=actor,
        action="application.status",
        entity=application,
        before=before,
        after={**_snapshot(application), "reason": reason, "feedback": feedback},
        now=now,
    )
    enrolment_status = None
    if target == Status.ACCEPTED:
        enrolment_status = _enrol(session, application, actor, now)
    return StatusChanged(application, previous_status, enrolment_status)


def _cohort_of(session: Session, programme: Programme, name: str) -> Cohort:
    cohort = session.scalar(
        select(Cohort).where(
            Cohort.programme_id == programme.id, func.lower(Cohort.name) == name.lower()
        )
    )
    if cohort is None:
        raise NotFound(f"{programme.name} has no cohort called '{shorten(name)}'.")
    return cohort


def _enrol(session: Session, application: Application, actor: str, now: datetime) -> str:
    if application.offered_cohort_id is None:
        raise InvalidInput(
            "This application was offered no cohort, so I cannot enrol them.", field="cohort"
        )
    enrolment = enrol(
        session,
        person_id=application.person_id,
        cohort_id=application.offered_cohort_id,
        actor=actor,
        now=now,
        application_id=application.id,
    )
    return str(enrolment.status.value)


def list_applications(
    session: Session, programme_name: str, status: str | None
) -> tuple[Programme, list[Application]]:
    """A programme's applications, oldest first, optionally of one status."""
    programme = find_programme(session, programme_name)
    query = select(Application).where(Application.programme_id == programme.id)
    if status is not None:
        query = query.where(Application.status == parse_status(status))
    return programme, list(session.scalars(query.order_by(Application.id)))


def feedback_for(application: Application) -> str | None:
    """The most recent feedback recorded for the applicant, if any."""
    given = [change.feedback for change in application.status_changes if change.feedback]
    return given[-1] if given else None


def feedback_key(application: Application) -> str:
    """The outbox key that makes feedback go to an applicant at most once."""
    return f"application-feedback:{application.id}"


def send_feedback(
    session: Session,
    *,
    application_id: str,
    actor: str,
    now: datetime,
) -> bool:
    """Owe the applicant their recorded feedback by DM; False when it was already sent."""
    application = get_application(session, application_id)
    slack_user_id = check_feedback_can_be_sent(application)
    message = ApplicationFeedback(application.programme.name, feedback_for(application) or "")
    row = enqueue(
        session,
        recipient=slack_user_id,
        kind="application_feedback",
        message=message,
        due_at=now,
        idempotency_key=feedback_key(application),
    )
    if row is None:
        return False
    record_change(
        session,
        actor=actor,
        action="application.feedback_sent",
        entity=application,
        before=None,
        after={"outbox_id": row.id},
        now=now,
    )
    return True


def check_feedback_can_be_sent(application: Application) -> str:
    """The applicant's Slack user id, or `InvalidInput` saying why feedback cannot go to them."""
    if application.status not in FEEDBACK_STATUSES:
        raise InvalidInput(
            f"Application {application.id} is {status_label(application.status)}: feedback is "
            "only sent to unsuccessful or screened-out applicants."
        )
    if feedback_for(application) is None:
        raise InvalidInput(
            f"Application {application.id} has no feedback recorded. Record it when marking it "
            f"unsuccessful: `/cohort application {application.id} unsuccessful <reason> "
            "feedback: <text for the applicant>`."
        )
    if application.person.slack_user_id is None:
        raise InvalidInput(
            f"{application.person.name} has no Slack account I know of, so I cannot DM them."
        )
    return application.person.slack_user_id
