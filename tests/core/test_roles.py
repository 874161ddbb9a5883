"""Roles: coordinators grant and revoke them; everyone else is politely refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import pseudonym
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.models import AuditEvent, Role, RoleGrant
from tests.fixtures.bot import COORDINATOR, PARTICIPANT

NEWCOMER = "UNEW0001"


def reply(slack: SlackSender, standin: SlackStandin, user: str, text: str) -> str:
    result = slack.slash_command(user, text)
    assert result.status == 200
    _, payload = standin.wait_for(
        lambda: next(((u, p) for u, p in standin.responses if u == result.response_url), None)
    )
    return str(payload["text"])


def grants(db: sessionmaker[Session]) -> set[tuple[str, Role]]:
    with db() as session:
        return {(g.slack_user_id, g.role) for g in session.scalars(select(RoleGrant))}


def test_coordinator_grants_and_revokes_a_role_with_an_audit_trail(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    added = reply(slack, standin, COORDINATOR, f"role add <@{NEWCOMER}|newbie> facilitator")

    assert added == f"<@{NEWCOMER}> is now a facilitator."
    assert (NEWCOMER, Role.FACILITATOR) in grants(db)

    removed = reply(slack, standin, COORDINATOR, f"role remove <@{NEWCOMER}|newbie> facilitator")

    assert removed == f"<@{NEWCOMER}> is no longer a facilitator."
    assert (NEWCOMER, Role.FACILITATOR) not in grants(db)
    with db() as session:
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor == pseudonym(session, COORDINATOR))
                .order_by(AuditEvent.id)
            )
        ]
    assert actions == ["role.grant", "role.revoke"]


def test_a_participant_is_refused_and_nothing_changes(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    before = grants(db)

    text = reply(slack, standin, PARTICIPANT, f"role add <@{PARTICIPANT}|me> coordinator")

    assert "only programme coordinators can do that" in text
    assert grants(db) == before


def test_granting_a_held_role_or_an_unknown_role_is_explained(
    slack: SlackSender, standin: SlackStandin
) -> None:
    assert "already a coordinator" in reply(
        slack, standin, COORDINATOR, f"role add <@{COORDINATOR}> coordinator"
    )
    assert "There is no role called 'wizard'" in reply(
        slack, standin, COORDINATOR, f"role add <@{NEWCOMER}> wizard"
    )
    assert "nothing to remove" in reply(
        slack, standin, COORDINATOR, f"role remove <@{NEWCOMER}> coach"
    )
    assert "/cohort role add @person coordinator" in reply(slack, standin, COORDINATOR, "role give")


def test_roles_lists_holders_as_mentions(slack: SlackSender, standin: SlackStandin) -> None:
    added = reply(slack, standin, COORDINATOR, f"role add <@{NEWCOMER}|newbie> steering")

    text = reply(slack, standin, COORDINATOR, "roles")

    assert added == f"<@{NEWCOMER}> is now a member of the steering group."
    assert f"*Coordinators:* <@{COORDINATOR}>" in text
    assert f"*Steering group:* <@{NEWCOMER}>" in text
    assert "*Coaches:* nobody yet" in text
