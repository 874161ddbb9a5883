"""Applying through the modal, screening on arrival, selection statuses and feedback by DM."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.slack.blocks.applications import ApplicationLine, applications_message
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import ApplicationStatus, EnrolmentStatus, ScreeningResult
from db.models import Application, AuditEvent, Enrolment, Person, Programme
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.applications import (
    ANSWERS,
    PROGRAMME,
    command,
    open_application_form,
    seed_programme,
    submit_form,
)


def applications_in(db: sessionmaker[Session]) -> list[Application]:
    with unit_of_work(db) as session:
        found = list(session.scalars(select(Application).order_by(Application.id)))
        for application in found:
            _ = application.status_changes, application.person
        return found


def apply(
    slack: SlackSender, standin: SlackStandin, answers: dict[str, str] = ANSWERS, **kw: bool
) -> dict[str, object]:
    view = open_application_form(slack, standin, PARTICIPANT)
    return submit_form(slack, standin, PARTICIPANT, view, answers, **kw)


def deliver(runtime: Runtime) -> None:
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)


def test_the_form_is_prefilled_from_slack_and_records_a_received_application(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], runtime: Runtime
) -> None:
    seed_programme(db, criteria=["level:deputy", "provider-experience", "accreditation:CIPD"])

    view = open_application_form(slack, standin, PARTICIPANT)
    blocks = {block.get("block_id"): block for block in view.view["blocks"]}
    assert blocks["application.name"]["element"]["initial_value"] == "Pat Participant"
    assert blocks["application.email"]["element"]["initial_value"] == "pat@example.nhs.uk"
    assert view.view["title"]["text"] == "Apply"

    assert submit_form(slack, standin, PARTICIPANT, view, ANSWERS) == {}

    (application,) = applications_in(db)
    assert application.status == ApplicationStatus.RECEIVED
    assert application.screening_result == ScreeningResult.MEETS_CRITERIA
    assert application.person.slack_user_id == PARTICIPANT
    assert [c.to_status for c in application.status_changes] == [ApplicationStatus.RECEIVED]
    deliver(runtime)
    (dm,) = standin.messages_in(PARTICIPANT)
    assert "has been received" in dm.text and "goes forward to shortlisting" in dm.text


def test_applying_outside_a_round_names_the_next_round(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=(("Spring", date(2017, 3, 1), date(2017, 3, 31)),))

    reply = command(slack, standin, PARTICIPANT, f'apply "{PROGRAMME}"')

    assert "not taking applications now" in reply
    assert "Spring, opens on Wed 1 Mar 2017 and closes on Fri 31 Mar 2017" in reply
    assert not standin.calls_to("views.open")


def test_applying_when_nothing_is_open(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=())

    assert "No programme is taking applications" in command(slack, standin, PARTICIPANT, "apply")


def test_wrong_answers_are_shown_on_their_fields_and_nothing_is_saved(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    answers = {
        **ANSWERS,
        "email": "not-an-email",
        "job_title": "",
        "supporting_statement": "x" * 3001,
    }

    ack = apply(slack, standin, answers)

    assert ack["response_action"] == "errors"
    errors = ack["errors"]
    assert isinstance(errors, dict)
    assert set(errors) == {
        "application.email",
        "application.job_title",
        "application.supporting_statement",
    }
    assert "3000 characters" in errors["application.supporting_statement"]
    assert applications_in(db) == []


def test_screening_records_the_result_and_the_reason(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, criteria=["level:deputy", "provider-experience", "accreditation:CIPD"])
    answers = {**ANSWERS, "recent_provider_experience": "no", "professional_accreditation": ""}

    assert apply(slack, standin, answers) == {}

    (application,) = applications_in(db)
    assert application.status == ApplicationStatus.SCREENED_OUT
    assert application.screening_result == ScreeningResult.DOES_NOT_MEET_CRITERIA
    assert application.screening_reason == "No recent provider experience; No CIPD accreditation"
    assert application.screened_by == "system" and application.screened_at == NOW
    assert [c.to_status for c in application.status_changes] == [
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED_OUT,
    ]


def test_diversity_answers_are_only_kept_with_consent(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    answers = {**ANSWERS, "gender": "Woman", "ethnicity": "Prefer not to say"}

    apply(slack, standin, answers)
    command(slack, standin, COORDINATOR, "application 1 withdrawn")
    apply(slack, standin, answers, consent=True)

    without, with_consent = applications_in(db)
    assert (without.diversity_consent, without.gender, without.ethnicity) == (False, None, None)
    assert (with_consent.gender, with_consent.ethnicity) == ("Woman", "Prefer not to say")


def test_nobody_holds_two_live_applications_and_a_reapplication_is_linked(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)

    second = apply(slack, standin)

    assert second["response_action"] == "errors"
    assert "already has an application" in str(second["errors"])
    command(slack, standin, COORDINATOR, "application 1 unsuccessful not this time")
    assert apply(slack, standin) == {}
    first, again = applications_in(db)
    assert again.previous_application_id == first.id
    with unit_of_work(db) as session:
        assert session.scalar(select(Person.id).where(Person.email == ANSWERS["email"])) is not None


def test_selection_moves_through_the_statuses_and_accepting_enrols(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)

    for step in ("shortlisted strong statement", "interviewed", 'offered "Cohort 1" top of panel'):
        assert "is now" in command(slack, standin, COORDINATOR, f"application 1 {step}")
    reply = command(slack, standin, COORDINATOR, "application 1 accepted")

    assert "is now accepted" in reply and "enrolment: enrolled" in reply
    (application,) = applications_in(db)
    assert [c.to_status.value for c in application.status_changes] == [
        "received",
        "shortlisted",
        "interviewed",
        "offered",
        "accepted",
    ]
    assert application.status_changes[1].reason == "strong statement"
    assert application.status_changes[1].changed_by == COORDINATOR
    with unit_of_work(db) as session:
        enrolment = session.scalars(select(Enrolment)).one()
        assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.application_id == 1
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "Application")
        )
        assert list(actions).count("application.status") == 4


def test_an_offer_must_name_a_real_cohort(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)
    command(slack, standin, COORDINATOR, "application 1 shortlisted")
    command(slack, standin, COORDINATOR, "application 1 interviewed")

    assert "Say which cohort" in command(slack, standin, COORDINATOR, "application 1 offered")
    assert "no cohort called 'Nope'" in command(
        slack, standin, COORDINATOR, "application 1 offered Nope"
    )
    assert applications_in(db)[0].status == ApplicationStatus.INTERVIEWED


def test_illegal_moves_are_refused_with_the_allowed_ones(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)

    reply = command(slack, standin, COORDINATOR, 'application 1 offered "Cohort 1"')

    assert "received cannot become offered" in reply
    assert "It can become: screened out, shortlisted, unsuccessful, withdrawn." in reply
    command(slack, standin, COORDINATOR, "application 1 withdrawn changed jobs")
    assert "which is final" in command(slack, standin, COORDINATOR, "application 1 shortlisted")
    assert "There is no status 'hired'" in command(
        slack, standin, COORDINATOR, "application 1 hired"
    )
    assert applications_in(db)[0].status == ApplicationStatus.WITHDRAWN


def test_participants_cannot_change_list_or_send_feedback(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)

    for text in (
        "application 1 shortlisted",
        f'applications "{PROGRAMME}"',
        "feedback 1",
        f'criteria "{PROGRAMME}" none',
    ):
        assert "only programme coordinators" in command(slack, standin, PARTICIPANT, text)
    assert applications_in(db)[0].status == ApplicationStatus.RECEIVED


def test_feedback_is_sent_once_by_dm(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], runtime: Runtime
) -> None:
    seed_programme(db)
    apply(slack, standin)
    deliver(runtime)
    command(slack, standin, COORDINATOR, "application 1 shortlisted")
    assert "only sent to unsuccessful" in command(slack, standin, COORDINATOR, "feedback 1")
    command(
        slack,
        standin,
        COORDINATOR,
        "application 1 unsuccessful weak on OD feedback: Build OD <experience> & reapply",
    )

    first = command(slack, standin, COORDINATOR, "feedback 1")
    second = command(slack, standin, COORDINATOR, "feedback 1")
    deliver(runtime)

    assert "will be sent to Pat Participant" in first
    assert "already sent" in second
    _received, feedback = standin.messages_in(PARTICIPANT)
    assert "Build OD &lt;experience&gt; &amp; reapply" in feedback.text
    assert "weak on OD" not in feedback.text
    (application,) = applications_in(db)
    assert application.status_changes[-1].reason == "weak on OD"


def test_applications_are_listed_and_summarised_under_the_block_limit(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)

    reply = command(slack, standin, COORDINATOR, f'applications "{PROGRAMME}" received')

    assert (
        "Applications to Aspirant Directors (received)" in reply and "1 in all: 1 received" in reply
    )
    assert "(shortlisted)*: none" in command(
        slack, standin, COORDINATOR, f'applications "{PROGRAMME}" shortlisted'
    )


def test_criteria_are_set_checked_and_cleared(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)

    reply = command(
        slack,
        standin,
        COORDINATOR,
        f'criteria "{PROGRAMME}" level:deputy provider-experience accreditation:CIPD',
    )
    assert "are now: level:deputy, provider-experience, accreditation:CIPD" in reply
    assert "I don't understand the criterion 'tall'" in command(
        slack, standin, COORDINATOR, f'criteria "{PROGRAMME}" tall'
    )
    assert "are: level:deputy" in command(slack, standin, COORDINATOR, f'criteria "{PROGRAMME}"')
    assert "are now: none" in command(slack, standin, COORDINATOR, f'criteria "{PROGRAMME}" none')


def test_feedback_needs_feedback_recorded(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)
    command(slack, standin, COORDINATOR, "application 1 unsuccessful internal reason only")

    assert "has no feedback recorded" in command(slack, standin, COORDINATOR, "feedback 1")


def test_screened_out_applicants_can_be_sent_the_screening_reason(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session], runtime: Runtime
) -> None:
    seed_programme(db, criteria=["provider-experience"])
    apply(slack, standin, {**ANSWERS, "recent_provider_experience": "no"})

    assert "will be sent" in command(slack, standin, COORDINATOR, "feedback 1")
    deliver(runtime)
    assert "No recent provider experience" in standin.messages_in(PARTICIPANT)[-1].text


def test_a_long_list_stays_under_the_block_limit_and_says_what_is_left_out() -> None:
    programme = Programme(name=PROGRAMME)
    lines = [ApplicationLine(n, f"Person {n}", "Trust", "received", None) for n in range(1, 700)]

    message = applications_message(programme, None, lines)

    assert len(message.blocks) <= 50
    assert "699 in all: 699 received" in message.text
    assert "Showing 235 of 699" in str(message.blocks[-1].to_dict())


def test_nobody_can_apply_with_someone_elses_email(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)
    apply(slack, standin)
    command(slack, standin, COORDINATOR, "application 1 withdrawn")
    view = open_application_form(slack, standin, COORDINATOR)

    ack = submit_form(slack, standin, COORDINATOR, view, ANSWERS)

    assert "belongs to someone else" in str(ack["errors"])
    assert len(applications_in(db)) == 1
