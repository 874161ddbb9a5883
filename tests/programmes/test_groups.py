"""Action learning groups: colleagues apart when avoidable, regions mixed, the same answer every time."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.programmes.groups import Member, split_members
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import SessionKind
from db.models import ActionLearningGroup, AuditEvent, Cohort, Enrolment, Invitation
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.programmes import command_reply, make_cohort, make_person, make_session

ORGANISATIONS = ["Leeds Teaching", "Bradford", "York", "Hull", "Sheffield"]
REGIONS = ["North East", "London", "South West"]

members_strategy = st.lists(
    st.builds(
        Member,
        key=st.integers(min_value=1, max_value=10_000),
        name=st.sampled_from(["Ann", "Bob", "Cat", "Dev", "Eve"]),
        organisation=st.one_of(st.none(), st.sampled_from(ORGANISATIONS)),
        region=st.one_of(st.none(), st.sampled_from(REGIONS)),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda m: m.key,
)


@settings(max_examples=200, deadline=None)
@given(members=members_strategy, n=st.integers(min_value=1, max_value=6))
def test_colleagues_share_a_group_only_when_unavoidable(members: list[Member], n: int) -> None:
    placements = split_members(members, n)

    assert sorted(p.member.key for p in placements) == sorted(m.key for m in members)
    sizes = [sum(1 for p in placements if p.group == g) for g in range(n)]
    assert max(sizes) - min(sizes) <= 1
    organisations = Counter(m.organisation for m in members if m.organisation)
    for organisation, count in organisations.items():
        per_group = Counter(p.group for p in placements if p.member.organisation == organisation)
        # Never more crowded than an even spread allows; so apart whenever count <= n.
        assert max(per_group.values()) == -(-count // n)


@settings(max_examples=50, deadline=None)
@given(members=members_strategy, n=st.integers(min_value=1, max_value=6))
def test_the_split_is_deterministic_whatever_the_input_order(members: list[Member], n: int) -> None:
    assert split_members(members, n) == split_members(list(reversed(members)), n)


def test_regions_are_mixed_and_each_placement_is_explained() -> None:
    members = [
        Member(1, "Ann", "Leeds", "London"),
        Member(2, "Bob", "York", "London"),
        Member(3, "Cat", "Hull", "North East"),
        Member(4, "Dev", "Leeds", "North East"),
    ]

    placements = split_members(members, 2)

    for group in (0, 1):
        regions = {p.member.region for p in placements if p.group == group}
        assert regions == {"London", "North East"}
    reasons = {p.member.name: p.reason for p in placements}
    assert reasons["Ann"].startswith("the only one from Leeds in this group")


def enrol_cohort(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        people = [
            ("Ann", "Leeds", "London", PARTICIPANT),
            ("Bob", "Leeds", "North East", None),
            ("Cat", "York", "London", None),
            ("Dev", "York", "North East", None),
            ("Eve", "Hull", "London", None),
        ]
        for name, organisation, region, slack_id in people:
            make_person(
                session,
                cohort,
                name,
                organisation=organisation,
                region=region,
                slack_user_id=slack_id,
            )


def groups_of(runtime: Runtime) -> dict[str, set[str]]:
    with unit_of_work(runtime.session_factory) as session:
        return {
            group.name: {e.person.name for e in group.enrolments}
            for group in session.scalars(select(ActionLearningGroup))
        }


def test_split_from_slack_explains_and_rerunning_gives_the_same_groups(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    enrol_cohort(runtime)

    reply = command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017')

    assert "Groups for Aspiring Directors / 2017" in reply
    shown = "\n".join(
        b["text"]["text"] for b in standin.responses[-1][1]["blocks"] if b["type"] == "section"
    )
    assert "the only one from Leeds in this group" in shown
    first = groups_of(runtime)
    assert set(first) == {"Group 1", "Group 2"}
    assert {"Ann", "Bob"} not in [members & {"Ann", "Bob"} for members in first.values()]
    command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017')
    assert groups_of(runtime) == first
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "groups.split")).all()


def test_split_into_three_and_show(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    enrol_cohort(runtime)

    command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017 3')
    assert set(groups_of(runtime)) == {"Group 1", "Group 2", "Group 3"}

    reply = command_reply(slack, standin, COORDINATOR, 'groups "Aspiring Directors" 2017')
    assert "Groups for Aspiring Directors / 2017" in reply


def test_split_is_refused_once_sessions_are_planned_for_the_groups(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    enrol_cohort(runtime)
    command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017')
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        make_session(
            session, cohort, "Set 1", kind=SessionKind.ACTION_LEARNING_SET, group=cohort.groups[0]
        )
    before = groups_of(runtime)

    reply = command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017 3')

    assert "Sessions are already planned for the current groups" in reply
    assert groups_of(runtime) == before


def test_moving_a_person_changes_their_group_and_their_invitations(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    enrol_cohort(runtime)
    command_reply(slack, standin, COORDINATOR, 'groups split "Aspiring Directors" 2017')
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        for group in cohort.groups:
            make_session(session, cohort, f"{group.name} set", group=group)
    ann_group = next(name for name, members in groups_of(runtime).items() if "Ann" in members)
    other = "2" if ann_group == "Group 1" else "1"

    reply = command_reply(slack, standin, COORDINATOR, f"groups move <@{PARTICIPANT}|pat> {other}")

    assert f"Moved Ann to Group {other}" in reply
    assert "Ann" in groups_of(runtime)[f"Group {other}"]
    with unit_of_work(runtime.session_factory) as session:
        ann = session.scalars(select(Enrolment).where(Enrolment.person.has(name="Ann"))).one()
        titles = {
            i.session.title for i in session.scalars(select(Invitation)) if i.enrolment_id == ann.id
        }
        assert titles == {f"Group {other} set"}


def test_participants_cannot_split_or_move(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    enrol_cohort(runtime)

    for command in ('groups split "Aspiring Directors" 2017', f"groups move <@{PARTICIPANT}> 1"):
        assert "only programme coordinators" in command_reply(slack, standin, PARTICIPANT, command)
    assert groups_of(runtime) == {}
