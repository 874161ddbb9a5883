"""The App Home tab: a participant's own programme; every cohort for coordinators."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.home.home import home_facts
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutcomeKind, RsvpStatus, SessionKind
from db.models import (
    ActionLearningGroup,
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationForm,
    EvaluationRequest,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.enrolment.test_enrolment import WHERE, add_people, command, make_cohort, mention
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.statements import selects, statements

LONDON = ZoneInfo("Europe/London")


def open_home(slack: SlackSender, standin: SlackStandin, user_id: str) -> str:
    """Open the Home tab as `user_id`; returns all its text, after the stand-in validated it."""
    seen = len(standin.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    call = standin.wait_for(
        lambda: [
            c for c in standin.calls_to("views.publish")[seen:] if c.args["user_id"] == user_id
        ]
    )[0]
    assert (call.status, call.error) == (200, None)
    stored = standin.home_view(user_id)
    assert stored is not None
    blocks = stored.view["blocks"]
    assert len(blocks) <= 100
    return "\n".join(
        str(block.get("text", {}).get("text", ""))
        + "".join(str(e.get("text", "")) for e in block.get("elements", []))
        for block in blocks
    )


def test_someone_not_enrolled_is_told_how_it_works(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    text = open_home(slack, standin, PARTICIPANT)

    assert "You are not part of a programme yet" in text
    assert "Coordinator view" not in text


def test_participant_sees_cohort_group_timetable_replies_coaching_and_forms(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, sessions=3)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    with unit_of_work(runtime.session_factory) as session:
        enrolment = session.scalars(select(Enrolment)).one()
        invitations = session.scalars(
            select(Invitation).join(ProgrammeSession).order_by(ProgrammeSession.starts_at)
        ).all()
        invitations[0].rsvp = RsvpStatus.ATTENDING
        invitations[1].rsvp = RsvpStatus.NOT_ATTENDING
        session.add(
            CoachingSession(enrolment=enrolment, held_on=date(2017, 1, 20), logged_by=COORDINATOR)
        )
        form = EvaluationForm(
            key="home_test", version=1, title="Workshop feedback", anonymous=True, attached_to="x"
        )
        session.add(
            EvaluationRequest(
                form=form,
                enrolment=enrolment,
                cohort_id=enrolment.cohort_id,
                opened_at=NOW,
                closes_at=NOW + timedelta(days=7),
            )
        )

    text = open_home(slack, standin, PARTICIPANT)

    assert "*Cohort 1* of *Future Leaders*" in text
    assert "Your action learning group: not assigned yet." in text
    assert "*Mon 6 Mar, 10:00*  Launch workshop (compulsory): you're going" in text
    assert "*Mon 13 Mar, 10:00*  Action learning set 1 (optional): you can't go" in text
    assert "*Mon 20 Mar, 10:00*  Action learning set 2 (optional): no reply yet" in text
    assert "*Coaching:* 1 of 4 sessions used; use the rest by *Thu 1 Feb 2018*" in text
    assert "• Workshop feedback (by Wed 8 Feb, 09:00)" in text
    assert "Coordinator view" not in text


def test_participant_with_nothing_open_sees_no_forms_and_waiting_people_their_position(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, capacity=1)
    add_people(standin, "UWAIT001")
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    command(slack, standin, COORDINATOR, f"enrol {mention('UWAIT001')} {WHERE}")

    assert "*Forms waiting for you:* none." in open_home(slack, standin, PARTICIPANT)
    waiting = open_home(slack, standin, "UWAIT001")
    assert "You are on the waiting list at position 1." in waiting
    assert "Your timetable" not in waiting


def test_enrolling_someone_refreshes_their_home_tab(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)

    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    call = standin.wait_for(lambda c: c.method == "views.publish")
    assert call.args["user_id"] == PARTICIPANT
    stored = standin.home_view(PARTICIPANT)
    assert stored is not None and "Cohort 1" in str(stored.view["blocks"])


def test_coordinator_sees_each_cohorts_headcount_waiting_list_and_next_two_weeks(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    cohort_id = make_cohort(runtime, capacity=1)
    make_cohort(runtime, cohort="Cohort 2")
    add_people(standin, "UWAIT001")
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    command(slack, standin, COORDINATOR, f"enrol {mention('UWAIT001')} {WHERE}")
    with unit_of_work(runtime.session_factory) as session:
        for days, title in ((3, "Steering catch-up"), (20, "Too far ahead")):
            starts = NOW + timedelta(days=days)
            session.add(
                ProgrammeSession(
                    cohort_id=cohort_id,
                    kind=SessionKind.OTHER,
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                )
            )

    text = open_home(slack, standin, COORDINATOR)

    assert "Coordinator view" in text
    assert "*Cohort 1* (Future Leaders): 1/1 enrolled, 1 waiting" in text
    assert "*Cohort 2* (Future Leaders): 0/15 enrolled" in text
    assert "• Sat 4 Feb, 09:00  Steering catch-up (Cohort 1)" in text
    assert "Too far ahead" not in text


def test_coordinators_see_how_many_new_roles_await_their_confirmation(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    assert "awaiting your confirmation" not in open_home(slack, standin, COORDINATOR)
    with unit_of_work(runtime.session_factory) as session:
        person = Person(slack_user_id=PARTICIPANT, name="Pat Participant")
        session.add_all(
            [
                Outcome(person=person, kind=OutcomeKind.SECONDMENT, reported_by=PARTICIPANT),
                Outcome(
                    person=person,
                    kind=OutcomeKind.ACTING_DIRECTOR,
                    reported_by=COORDINATOR,
                    confirmed_by=COORDINATOR,
                    confirmed_at=NOW,
                ),
            ]
        )

    text = open_home(slack, standin, COORDINATOR)

    assert "*New roles awaiting your confirmation:* 1: see `/cohort outcomes`." in text
    assert "awaiting your confirmation" not in open_home(slack, standin, PARTICIPANT)


def test_large_cohorts_and_timetables_stay_within_the_block_limit(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme = Programme(name="Big programme")
        cohorts = [
            Cohort(programme=programme, name=f"Cohort {n:03}", capacity=200) for n in range(150)
        ]
        session.add_all(cohorts)
        big = cohorts[0]
        people = [Person(name=f"Person {n}", slack_user_id=f"UBIG{n:04}") for n in range(200)]
        enrolments = [
            Enrolment(
                person=person,
                cohort=big,
                status=EnrolmentStatus.ENROLLED,
                coaching_deadline=date(2018, 2, 1),
            )
            for person in people
        ]
        session.add_all(enrolments)
        start = datetime(2017, 2, 2, 9, 0, tzinfo=UTC)
        sessions = [
            ProgrammeSession(
                cohort=big,
                kind=SessionKind.ACTION_LEARNING_SET,
                title=f"Set {n} with a long title to fill the space available in a section",
                starts_at=start + timedelta(hours=3 * n),
                ends_at=start + timedelta(hours=3 * n + 1),
            )
            for n in range(120)
        ]
        session.add_all(sessions)
        session.flush()
        session.add_all(
            Invitation(session_id=s.id, enrolment_id=enrolments[0].id) for s in sessions
        )

    add_people(standin, "UBIG0000")
    participant = open_home(slack, standin, "UBIG0000")
    coordinator = open_home(slack, standin, COORDINATOR)

    assert "…and 100 later sessions" in participant
    assert "*Cohort 000* (Big programme): 200/200 enrolled" in coordinator
    assert "…and 90 more cohorts." in coordinator
    assert "…and 74 more sessions." in coordinator


def test_workspace_admins_see_the_coordinator_view(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    standin.add_user("UADMIN01", name="Ada Admin", is_admin=True)

    text = open_home(slack, standin, "UADMIN01")

    assert "Coordinator view" in text


def test_all_day_sessions_show_their_days_not_a_time(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, sessions=1)
    with unit_of_work(runtime.session_factory) as session:
        workshop = session.scalars(select(ProgrammeSession)).one()
        workshop.all_day = True
        workshop.starts_at = datetime(2017, 3, 6, 9, tzinfo=UTC)
        workshop.ends_at = datetime(2017, 3, 7, 17, tzinfo=UTC)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    text = open_home(slack, standin, PARTICIPANT)

    assert "Mon 6 Mar to Tue 7 Mar (all day)" in text
    assert "09:00" not in text


def test_the_home_tab_reads_what_it_shows_in_a_fixed_number_of_queries(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    """A coach, a group and open forms come with their place, not one lazy load each."""
    make_cohort(runtime, sessions=3)
    add_people(standin, "UCOACH01")
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    def open_forms(count: int) -> None:
        with unit_of_work(runtime.session_factory) as session:
            enrolment = session.scalars(select(Enrolment)).one()
            if enrolment.group is None:
                enrolment.group = ActionLearningGroup(cohort_id=enrolment.cohort_id, name="Set A")
                enrolment.coach = Person(slack_user_id="UCOACH01", name="A coach")
            known = session.scalar(select(func.count(EvaluationForm.id))) or 0
            for number in range(known, known + count):
                session.add(
                    EvaluationRequest(
                        form=EvaluationForm(
                            key=f"form_{number}",
                            version=1,
                            title=f"Form {number}",
                            anonymous=True,
                            attached_to="x",
                        ),
                        enrolment=enrolment,
                        cohort_id=enrolment.cohort_id,
                        opened_at=NOW,
                        closes_at=NOW + timedelta(days=7),
                    )
                )

    def home_selects() -> list[str]:
        with unit_of_work(runtime.session_factory) as session, statements(runtime.engine) as seen:
            facts = home_facts(
                session, slack_user_id=PARTICIPANT, roles=set(), now=NOW, default_tz=LONDON
            )
            (place,) = facts.participations
            assert (place.group_name, place.coach_name) == ("Set A", "A coach")
            shown = [form.title for form in place.open_forms]
        return [*selects(seen), *shown]

    open_forms(1)
    one_form = home_selects()
    open_forms(4)
    five_forms = home_selects()

    assert len([s for s in five_forms if s.startswith("Form ")]) == 5
    assert len(selects(five_forms)) == len(selects(one_form))
