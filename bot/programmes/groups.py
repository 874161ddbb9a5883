"""Action learning groups: a deterministic split that keeps colleagues apart and mixes regions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound
from bot.core.mrkdwn import shorten
from bot.programmes.invitations import ensure_invitations, prune_invitations
from db.enums import EnrolmentStatus, SessionStatus
from db.models import ActionLearningGroup, Cohort, Enrolment, ProgrammeSession

DEFAULT_GROUPS = 2


@dataclass(frozen=True)
class Member:
    """What the split needs to know about a participant."""

    key: int
    name: str
    organisation: str | None
    region: str | None


@dataclass(frozen=True)
class Placement:
    """Where one member landed, and why."""

    member: Member
    group: int
    reason: str


def _norm(text: str | None) -> str | None:
    cleaned = " ".join((text or "").split()).casefold()
    return cleaned or None


def split_members(members: Sequence[Member], n: int) -> list[Placement]:
    """Split `members` into `n` groups: same organisation apart where possible, regions mixed.

    Largest organisations are placed first, each person into the group with the fewest
    colleagues, then the fewest people, then the fewest from their region; so colleagues
    share a group only when their organisation has more people than there are groups.
    """
    if n < 1:
        raise InvalidInput("There must be at least one group.")
    org_sizes = Counter(_norm(m.organisation) for m in members if _norm(m.organisation))
    ordered = sorted(
        members,
        key=lambda m: (
            -org_sizes.get(_norm(m.organisation), 0),
            _norm(m.organisation) or "",
            _norm(m.region) or "",
            m.name.casefold(),
            m.key,
        ),
    )
    groups: list[list[Member]] = [[] for _ in range(n)]
    placements: list[Placement] = []
    for member in ordered:
        org, region = _norm(member.organisation), _norm(member.region)

        def score(
            index: int, org: str | None = org, region: str | None = region
        ) -> tuple[int, ...]:
            group = groups[index]
            colleagues = sum(1 for m in group if org and _norm(m.organisation) == org)
            same_region = sum(1 for m in group if region and _norm(m.region) == region)
            return (colleagues, len(group), same_region, index)

        best = min(range(n), key=score)
        colleagues, _, same_region, _ = score(best)
        groups[best].append(member)
        placements.append(
            Placement(member, best, _reason(member, colleagues, same_region, org_sizes, n))
        )
    return sorted(placements, key=lambda p: (p.group, p.member.name.casefold(), p.member.key))


def _reason(
    member: Member, colleagues: int, same_region: int, org_sizes: Counter[str | None], n: int
) -> str:
    org, region = member.organisation, member.region
    if not _norm(org):
        org_part = "no organisation recorded"
    elif colleagues == 0:
        org_part = f"the only one from {org} in this group"
    else:
        org_part = f"{org} has {org_sizes[_norm(org)]} people for {n} groups, so they share as few as possible"
    if not _norm(region):
        region_part = "no region recorded"
    elif same_region == 0:
        region_part = f"first from {region} here"
    else:
        region_part = f"{region} spread as evenly as the group sizes allow"
    return f"{org_part}; {region_part}"


@dataclass(frozen=True)
class GroupListing:
    """A cohort's groups, each with its members' names and (after a split) reasons."""

    cohort: str
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]]


def _live_enrolments(session: Session, cohort_id: int) -> list[Enrolment]:
    return list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED)
            .order_by(Enrolment.id)
        )
    )


def group_name(index: int) -> str:
    """'Group 1' for the first group."""
    return f"Group {index + 1}"


def split_cohort(
    session: Session, cohort: Cohort, n: int, *, actor: str, now: datetime
) -> GroupListing:
    """Replace the cohort's groups with a fresh split of its enrolled participants; audited."""
    enrolments = _live_enrolments(session, cohort.id)
    if n < 1 or n > max(len(enrolments), 1):
        raise InvalidInput(
            f"Choose between 1 and {max(len(enrolments), 1)} groups "
            f"({len(enrolments)} people are enrolled)."
        )
    group_sessions = session.scalars(
        select(ProgrammeSession).where(
            ProgrammeSession.cohort_id == cohort.id,
            ProgrammeSession.action_learning_group_id.is_not(None),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    ).all()
    if group_sessions:
        listed = ", ".join(f"#{s.id} {s.title}" for s in group_sessions)
        raise InvalidInput(
            f"Sessions are already planned for the current groups ({listed}), so I have not "
            "replaced them. Move people with `/cohort groups move`, or cancel those sessions first."
        )
    before = {e.id: e.action_learning_group_id for e in enrolments}
    for enrolment in cohort.enrolments:
        enrolment.group = None
    referenced = set(
        session.scalars(
            select(ProgrammeSession.action_learning_group_id).where(
                ProgrammeSession.cohort_id == cohort.id
            )
        )
    )
    # Groups are reused by name, so cancelled sessions keep pointing at a group that exists.
    existing: dict[str, ActionLearningGroup | None] = {g.name: g for g in cohort.groups}
    new_groups = [
        existing.pop(group_name(i), None)
        or ActionLearningGroup(cohort_id=cohort.id, name=group_name(i))
        for i in range(n)
    ]
    for spare in existing.values():
        if spare is not None and spare.id not in referenced:
            cohort.groups.remove(spare)
    session.add_all(new_groups)
    session.flush()
    by_id = {e.id: e for e in enrolments}
    members = [
        Member(e.id, e.person.name, e.person.organisation, e.person.region) for e in enrolments
    ]
    placements = split_members(members, n)
    for placement in placements:
        by_id[placement.member.key].group = new_groups[placement.group]
    session.flush()
    record_change(
        session,
        actor=actor,
        action="groups.split",
        entity=cohort,
        before={"groups": {str(k): v for k, v in before.items()}},
        after={"groups": {str(e.id): e.action_learning_group_id for e in enrolments}},
        now=now,
    )
    prune_invitations(session, cohort_id=cohort.id)
    ensure_invitations(session, cohort_id=cohort.id)
    return GroupListing(
        cohort=cohort.name,
        groups=[
            (
                group_name(i),
                [(p.member.name, p.reason) for p in placements if p.group == i],
            )
            for i in range(n)
        ],
    )


def list_groups(session: Session, cohort: Cohort) -> GroupListing:
    """The cohort's groups and who is in each (people without a group listed last)."""
    enrolments = _live_enrolments(session, cohort.id)
    groups: list[tuple[str, Sequence[tuple[str, str]]]] = [
        (
            g.name,
            sorted((e.person.name, "") for e in enrolments if e.action_learning_group_id == g.id),
        )
        for g in cohort.groups
    ]
    loose = sorted((e.person.name, "") for e in enrolments if e.action_learning_group_id is None)
    if loose and cohort.groups:
        groups.append(("Not in a group", loose))
    return GroupListing(cohort=cohort.name, groups=groups)


def find_group(cohort: Cohort, name: str) -> ActionLearningGroup:
    """The cohort's group called `name` ('Group 2' or just '2'), or `NotFound` listing them."""
    wanted = name.strip().casefold()
    for group in cohort.groups:
        if wanted in (group.name.casefold(), group.name.casefold().removeprefix("group ")):
            return group
    names = ", ".join(g.name for g in cohort.groups) or "none yet (use `/cohort groups split`)"
    raise NotFound(f"No group called '{shorten(name)}' in {cohort.name}. Groups: {names}.")


def move_to_group(
    session: Session, slack_user_id: str, group_name_text: str, *, actor: str, now: datetime
) -> tuple[str, str]:
    """Move the participant with this Slack id to another group of their cohort; audited."""
    enrolments = session.scalars(
        select(Enrolment)
        .join(Enrolment.person)
        .where(Enrolment.status == EnrolmentStatus.ENROLLED)
        .where(Enrolment.person.has(slack_user_id=slack_user_id))
    ).all()
    if not enrolments:
        raise NotFound("That person is not enrolled in a cohort.")
    if len(enrolments) > 1:
        raise InvalidInput("That person is enrolled in more than one cohort; I can't tell which.")
    enrolment = enrolments[0]
    group = find_group(enrolment.cohort, group_name_text)
    before = {"group_id": enrolment.action_learning_group_id}
    enrolment.group = group
    session.flush()
    record_change(
        session,
        actor=actor,
        action="groups.move",
        entity=enrolment,
        before=before,
        after={"group_id": group.id},
        now=now,
    )
    prune_invitations(session, cohort_id=enrolment.cohort_id)
    ensure_invitations(session, cohort_id=enrolment.cohort_id)
    return enrolment.person.name, group.name
