"""Every `/cohort …` example in README.md works as written, typed at the bot through the stand-in.

Examples are read from the README itself, so a new or changed example is tested without editing
this file. Usage lines (with `<placeholders>`, `[options]` or `a|b` choices) are not examples,
except that `"<programme>"` and `"<cohort>"` stand for the cohort below and `@person` and the like
for a real person. Each example runs on a fresh database holding that cohort.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, Role, SessionKind
from db.models import (
    ActionLearningGroup,
    Cohort,
    Enrolment,
    Invitation,
    Person,
    Programme,
    ProgrammeSession,
    RoleGrant,
)
from tests.fixtures.bot import COORDINATOR, PARTICIPANT

README = Path(__file__).resolve().parents[1] / "README.md"
COACH = "UCOACH01"
PEOPLE = {"@person": PARTICIPANT, "@participant": PARTICIPANT, "@coach": COACH, "@x": PARTICIPANT}
STANDS_FOR = {'"<programme>"': '"Aspiring Directors"', '"<cohort>"': "2017"}
# Commands a participant (or a coach) types about themselves; coordinators type the rest.
TYPED_BY = {"away": PARTICIPANT, "notifications": PARTICIPANT, "coachees": COACH}
SELF_SERVICE = {"coaching", "coaching log", "outcome", "calendar"}
# Replies that mean the example did not work as written.
REFUSALS = (
    "Usage",
    "Use `/cohort",
    "Did you mean",
    "quotation mark",
    "No programme called",
    "No cohort called",
    "No session",
    "Which cohort",
    "not a date",
    "not a real date",
    "needs a year",
    "only programme coordinators",
    "is not one of",
    "Something went wrong",
    "not on any programme",
)


def readme_examples() -> list[str]:
    """The text after `/cohort` of each distinct example in the README, in order."""
    found: dict[str, None] = {}
    for span in re.findall(r"`(/cohort(?: [^`]*)?)`", README.read_text(encoding="utf-8")):
        for placeholder, value in STANDS_FOR.items():
            span = span.replace(placeholder, value)
        if not re.search(r"[<>\[\]|…]", span):
            found[span.removeprefix("/cohort").strip()] = None
    return list(found)


EXAMPLES = readme_examples()


def test_the_readme_has_examples_to_test() -> None:
    assert len(EXAMPLES) >= 30
    assert "away 23 Feb" in EXAMPLES


def typed_by(example: str) -> str:
    words = example.split()
    if words and words[0] in TYPED_BY:
        return TYPED_BY[words[0]]
    if " ".join(words) in SELF_SERVICE:
        return PARTICIPANT
    return COORDINATOR


def with_people(example: str) -> str:
    return re.sub(r"@\w+", lambda m: f"<@{PEOPLE.get(m.group(0), PARTICIPANT)}|someone>", example)


def seed(runtime: Runtime, standin: SlackStandin) -> None:
    """The README's world: "Aspiring Directors" 2017 with a participant, a coach, two groups
    and session #12 (under way now, so its attendance can be recorded)."""
    standin.add_user(COACH, name="Casey Coach", email="casey@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        programme = Programme(name="Aspiring Directors")
        cohort = Cohort(programme=programme, name="2017", capacity=15, start_date=date(2017, 1, 9))
        groups = [ActionLearningGroup(cohort=cohort, name=f"Group {n}") for n in (1, 2)]
        coach = Person(name="Casey Coach", slack_user_id=COACH)
        enrolment = Enrolment(
            person=Person(name="Pat Participant", slack_user_id=PARTICIPANT),
            cohort=cohort,
            status=EnrolmentStatus.ENROLLED,
            enrolled_at=datetime(2017, 1, 9, 9, tzinfo=UTC),
            coaching_deadline=date(2018, 1, 9),
            group=groups[0],
            coach=coach,
        )
        twelve = ProgrammeSession(
            id=12,
            cohort=cohort,
            kind=SessionKind.WORKSHOP,
            title="Launch workshop",
            starts_at=datetime(2017, 2, 1, 8, tzinfo=UTC),
            ends_at=datetime(2017, 2, 2, 17, tzinfo=UTC),
            location="Leeds",
            facilitator=coach,
        )
        session.add_all(
            [
                programme,
                cohort,
                *groups,
                enrolment,
                twelve,
                Invitation(session=twelve, enrolment=enrolment),
                RoleGrant(slack_user_id=COACH, role=Role.COACH, granted_by=COORDINATOR),
            ]
        )


def answer(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """What the bot did with `/cohort text`: its reply's text, or that it opened a modal."""
    views, responses = len(standin.calls_to("views.open")), len(standin.responses)
    result = slack.slash_command(user_id, text)
    assert result.status == 200
    if result.body and result.json().get("text"):
        return str(result.json()["text"])
    standin.wait_for(
        lambda: len(standin.calls_to("views.open")) > views or len(standin.responses) > responses,
        timeout=10,
    )
    if len(standin.responses) > responses:
        payload = standin.responses[responses][1]
        blocks = [b["text"]["text"] for b in payload.get("blocks", []) if "text" in b]
        return "\n".join([str(payload["text"]), *blocks])
    return "(a modal opened)"


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_readme_example_works_as_written(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin, example: str
) -> None:
    seed(runtime, standin)

    text = answer(slack, standin, typed_by(example), with_people(example))

    if example == "stauts":  # the README's example of a mistyped subcommand
        assert "Did you mean `/cohort status`?" in text
        return
    refused = [phrase for phrase in REFUSALS if phrase.casefold() in text.casefold()]
    assert not refused, f"/cohort {example} → {text}"
