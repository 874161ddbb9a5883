"""Storing evaluation forms: sync, versions and the forms each runtime has."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import NotFound
from bot.core.settings import load_settings
from bot.evaluations.forms import (
    SCALE_LABELS,
    FormDefinitionError,
    Milestone,
    builtin_forms,
    forms_attached_to,
    labels_for,
    latest_form,
    reminder_after_days,
    sync_forms,
    window_days,
)
from bot.runtime import Runtime
from db.engine import unit_of_work
from db.enums import QuestionType, SessionKind
from db.models import EvaluationForm, EvaluationQuestion, EvaluationResponse
from tests.evaluations.forms_data import (
    BUILTIN_KEYS,
    VALID,
    both,
    form_with,
    load_one,
    q,
    top,
    write_form,
)
from tests.support.evaluations import Q, make_form
from tests.support.programmes import make_cohort

# Storing forms


def count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_sync_stores_each_form_with_its_questions(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        sync_forms(session, builtin_forms())

    with unit_of_work(db) as session:
        workshop = latest_form(session, "workshop")
        definition = next(form for form in builtin_forms() if form.key == "workshop")
        assert workshop.definition == definition.as_json()
        assert (workshop.version, workshop.title, workshop.anonymous) == (
            1,
            "Workshop feedback",
            False,
        )
        positions = [question.position for question in workshop.questions]
        assert positions == list(range(1, len(definition.questions) + 1))
        commitment = next(q for q in workshop.questions if q.key == "commitment")
        assert (commitment.purpose, commitment.max_length, commitment.required) == (
            "commitment",
            500,
            True,
        )
        category = next(q for q in workshop.questions if q.key == "commitment_category")
        assert category.section == "Your commitment"
        assert category.options == list(labels_for(category))
        overall = next(q for q in workshop.questions if q.key == "overall")
        assert (overall.options, overall.max_length) == (None, None)
        assert labels_for(overall) == SCALE_LABELS[QuestionType.RATING5]
        assert count(session, EvaluationForm) == len(BUILTIN_KEYS)


def test_sync_is_idempotent(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        sync_forms(session, builtin_forms())
    with unit_of_work(db) as session:
        questions = count(session, EvaluationQuestion)

    with unit_of_work(db) as session:
        sync_forms(session, builtin_forms())

    with unit_of_work(db) as session:
        assert count(session, EvaluationForm) == len(BUILTIN_KEYS)
        assert count(session, EvaluationQuestion) == questions


def test_sync_refuses_an_edited_published_version(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    with unit_of_work(db) as session:
        sync_forms(session, [load_one(tmp_path, VALID)])
    edited = load_one(tmp_path, form_with(q(0, text="How was it, overall?")))

    with pytest.raises(FormDefinitionError) as caught, unit_of_work(db) as session:
        sync_forms(session, [edited])

    assert str(caught.value) == (
        "workshop.yaml: form 'workshop' version 1 is already stored and differs from this file; "
        "a published version is never edited, so give the changed form a new version (version: 2)"
    )
    with unit_of_work(db) as session:
        assert latest_form(session, "workshop").questions[0].text == "Overall?"


def test_a_bumped_version_becomes_the_latest_while_old_responses_keep_theirs(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    first = load_one(tmp_path, VALID)
    with unit_of_work(db) as session:
        sync_forms(session, [first])
        old_form = latest_form(session, "workshop")
        response = EvaluationResponse(
            form=old_form, cohort=make_cohort(session), submitted_on=date(2017, 2, 1)
        )
        session.add(response)
    second = load_one(tmp_path, form_with(both(top(version=2), q(0, text="Reworded?"))))

    with unit_of_work(db) as session:
        sync_forms(session, [first, second])

    with unit_of_work(db) as session:
        latest = latest_form(session, "workshop")
        assert (latest.version, latest.questions[0].text) == (2, "Reworded?")
        kept = session.get(EvaluationResponse, response.id)
        assert kept is not None
        assert (kept.form.version, kept.form.questions[0].text) == (1, "Overall?")
        assert count(session, EvaluationForm) == 2


def test_latest_form_of_an_unknown_key_is_not_found(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session, pytest.raises(NotFound, match="no evaluation form called"):
        latest_form(session, "nonsense")


def test_forms_attached_to_gives_the_latest_version_of_each(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    with unit_of_work(db) as session:
        make_form(session, key="workshop", questions=[Q("a", QuestionType.YES_NO)], version=1)
        make_form(session, key="workshop", questions=[Q("a", QuestionType.YES_NO)], version=2)
        make_form(session, key="day_two", questions=[Q("a", QuestionType.YES_NO)])
        make_form(session, key="moved", questions=[Q("a", QuestionType.YES_NO)], version=1)
        make_form(
            session,
            key="moved",
            questions=[Q("a", QuestionType.YES_NO)],
            version=2,
            attached_to="programme_end",
        )
        make_form(
            session, key="alsets", questions=[Q("a", QuestionType.YES_NO)], attached_to="coaching"
        )

    with unit_of_work(db) as session:
        forms = forms_attached_to(session, SessionKind.WORKSHOP)
        assert [(form.key, form.version) for form in forms] == [("day_two", 1), ("workshop", 2)]
        ends = forms_attached_to(session, Milestone.PROGRAMME_END)
        assert [(form.key, form.version) for form in ends] == [("moved", 2)]
        assert forms_attached_to(session, Milestone.FOLLOW_UP) == []


def test_window_and_reminder_days_come_from_the_definition(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        short = make_form(
            session, key="short", questions=[Q("a", QuestionType.YES_NO)], window_days=5
        )
        bare = make_form(session, key="bare", questions=[Q("a", QuestionType.YES_NO)])
        bare.definition = {}
        session.flush()

        assert (window_days(short), reminder_after_days(short)) == (5, 3)
        assert (window_days(bare), reminder_after_days(bare)) == (14, 3)


def test_every_runtime_has_the_builtin_forms(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        keys = set(session.scalars(select(EvaluationForm.key)))
        programme_end = latest_form(session, "programme_end")

    assert keys == BUILTIN_KEYS
    assert (window_days(programme_end), reminder_after_days(programme_end)) == (21, 5)


def test_runtime_adds_forms_from_the_forms_directory(runtime: Runtime, tmp_path: Path) -> None:
    write_form(tmp_path, form_with(top(key="extra", attached_to="assessment")), "extra.yaml")
    imported = Runtime(
        settings=load_settings(
            {"DATABASE_URL": runtime.settings.database_url, "COHORTBOT_FORMS_DIR": str(tmp_path)},
            env_file=None,
        ),
        engine=runtime.engine,
        session_factory=runtime.session_factory,
        client=runtime.client,
        clock=runtime.clock,
    )

    imported.prepare_database()

    with unit_of_work(runtime.session_factory) as session:
        assert [form.key for form in forms_attached_to(session, "assessment")] == ["extra"]
