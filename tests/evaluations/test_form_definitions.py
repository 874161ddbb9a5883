"""Evaluation forms as YAML: the built-in forms, validation with named mistakes, scales and start-up."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.settings import SettingsError, load_settings
from bot.evaluations.forms import (
    SCALE_LABELS,
    FormDefinitionError,
    Milestone,
    builtin_forms,
    configured_forms,
    load_forms,
    scale_label,
    scale_value,
)
from db.enums import QuestionPurpose, QuestionType, SessionKind
from tests.evaluations.forms_data import (
    BUILTIN_KEYS,
    VALID,
    form_with,
    load_one,
    problems_of,
    q,
    top,
    write_form,
)

# Built-in forms


def test_builtin_forms_load_and_cover_every_stage() -> None:
    forms = {form.key: form for form in builtin_forms()}

    assert set(forms) == BUILTIN_KEYS
    assert {key: form.attached_to for key, form in forms.items()} == {
        "workshop": SessionKind.WORKSHOP,
        "action_learning_set": SessionKind.ACTION_LEARNING_SET,
        "organisational_development": SessionKind.ORGANISATIONAL_DEVELOPMENT,
        "coaching": Milestone.COACHING_COMPLETE,
        "baseline": Milestone.ENROLMENT,
        "programme_end": Milestone.PROGRAMME_END,
        "follow_up": Milestone.FOLLOW_UP,
    }
    anonymous = {key for key, form in forms.items() if form.anonymous}
    assert anonymous == {"action_learning_set", "organisational_development", "coaching"}


def test_workshop_form_matches_the_report() -> None:
    (workshop,) = [form for form in builtin_forms() if form.key == "workshop"]
    by_purpose = {q.purpose: q for q in workshop.questions if q.purpose is not None}
    sections = {q.section for q in workshop.questions}

    assert not workshop.anonymous
    assert workshop.intro is not None and "30 and 90 days" in workshop.intro
    assert by_purpose[QuestionPurpose.OVERALL].type is QuestionType.RATING5
    assert by_purpose[QuestionPurpose.OBJECTIVES].type is QuestionType.OBJECTIVES_MET
    commitment = by_purpose[QuestionPurpose.COMMITMENT]
    assert (commitment.required, commitment.max_length) == (True, 500)
    category = by_purpose[QuestionPurpose.COMMITMENT_CATEGORY]
    assert category.options is not None and len(category.options) == 9
    assert {"Day one sessions", "Day two sessions", "Logistics"} <= sections
    logistics = [q.key for q in workshop.questions if q.section == "Logistics"]
    assert logistics == ["venue_catering", "venue_location", "meeting_facilities", "information"]
    anything_else = workshop.questions[-1]
    assert (anything_else.type, anything_else.required) == (QuestionType.FREE_TEXT, False)


def test_baseline_and_programme_end_ask_the_same_confidence_questions() -> None:
    forms = {form.key: form for form in builtin_forms()}

    def confidence(key: str) -> list[tuple[str, QuestionType, str]]:
        return [
            (q.key, q.type, q.text)
            for q in forms[key].questions
            if q.purpose is QuestionPurpose.CONFIDENCE
        ]

    assert 5 <= len(confidence("baseline")) <= 8
    assert confidence("baseline") == confidence("programme_end")
    assert {q_type for _, q_type, _ in confidence("baseline")} == {QuestionType.AGREEMENT5}


def test_follow_up_offers_each_career_outcome_and_no_change() -> None:
    (follow_up,) = [form for form in builtin_forms() if form.key == "follow_up"]
    role_change = follow_up.questions[0]

    assert role_change.type is QuestionType.SINGLE_CHOICE
    assert role_change.options is not None and len(role_change.options) == 8
    assert role_change.options[-1] == "No change"


# Validation


def test_a_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    form = load_one(tmp_path, VALID)

    assert (form.key, form.version, form.source) == ("workshop", 1, "workshop.yaml")
    assert (form.window_days, form.reminder_after_days, form.intro) == (14, 3, None)
    overall, category, comments = form.questions
    assert (overall.required, overall.purpose, overall.max_length) == (
        True,
        QuestionPurpose.OVERALL,
        None,
    )
    assert category.options == ("Career", "Impact")
    assert (comments.required, comments.max_length) == (False, 1000)


def add_question(**question: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["questions"].append(question)

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            q(0, type="rating"),
            "workshop.yaml, question 'overall': type 'rating' is not one of rating5, "
            "objectives_met, agreement5, yes_no, single_choice, multiple_choice, free_text",
        ),
        (
            top(titel="Oops"),
            "workshop.yaml: unknown field 'titel' (did you mean 'title'?); expected only key, "
            "version, title,",
        ),
        (
            q(2, maxlength=10),
            "workshop.yaml, question 'comments': unknown field 'maxlength' (did you mean "
            "'max_length'?)",
        ),
        (top(title=None), "workshop.yaml: 'title' is missing; expected text of at most 24"),
        (q(1, text=None), "workshop.yaml, question 'category': 'text' is missing; expected text"),
        (top(version="one"), "workshop.yaml: 'version' is 'one'; expected a positive whole number"),
        (top(version=0), "workshop.yaml: 'version' is 0; expected a positive whole number"),
        (top(anonymous="no"), "workshop.yaml: 'anonymous' is 'no'; expected true or false"),
        (
            top(title="Evaluation of the two-day workshop"),
            "workshop.yaml: 'title' is 'Evaluation of the two-day workshop' (34 characters); "
            "expected text of at most 24 characters",
        ),
        (top(key="Workshop"), "workshop.yaml: 'key' is 'Workshop'; expected a name of lower-case"),
        (
            top(attached_to="retreat"),
            "workshop.yaml: attached_to 'retreat' is not one of workshop, action_learning_set, "
            "coaching, organisational_development, assessment, other, enrolment, programme_end, "
            "follow_up, coaching_complete",
        ),
        (
            q(0, purpose="headline"),
            "workshop.yaml, question 'overall': purpose 'headline' is not one of overall, "
            "objectives, commitment, commitment_category, confidence",
        ),
        (
            q(2, key="overall"),
            "workshop.yaml, question 'overall': this key is used by an earlier question too; "
            "question keys must be unique in a form",
        ),
        (
            q(0, options=["Good", "Bad"]),
            "workshop.yaml, question 'overall': 'options' is only for single_choice and "
            "multiple_choice questions, not rating5",
        ),
        (
            q(1, options=None),
            "workshop.yaml, question 'category': a single_choice question needs 'options'",
        ),
        (
            q(1, options=["Only one"]),
            "workshop.yaml, question 'category': 'options' is 1 options; expected a list of 2 to "
            "100 different texts",
        ),
        (
            q(1, options=["Career", "Career"]),
            "workshop.yaml, question 'category': option 'Career' is listed twice",
        ),
        (
            q(1, options=[True, False]),
            "workshop.yaml, question 'category': option true is not allowed; expected a list of 2 "
            "to 100 different texts of at most 75 characters (quote options such as 'Yes' or 'No'",
        ),
        (
            q(1, options=["Career", "x" * 76]),
            "workshop.yaml, question 'category': option 'xxxxxxxx",
        ),
        (
            q(0, max_length=200),
            "workshop.yaml, question 'overall': 'max_length' is only for free_text questions, "
            "not rating5",
        ),
        (
            q(2, max_length=5000),
            "workshop.yaml, question 'comments': 'max_length' is 5000; expected a whole number "
            "from 1 to 3000",
        ),
        (
            q(2, purpose="overall"),
            "workshop.yaml, question 'comments': purpose 'overall' needs type rating5, not "
            "free_text",
        ),
        (
            add_question(key="again", type="rating5", purpose="overall", text="Again?"),
            "workshop.yaml, question 'again': purpose 'overall' is already given to question "
            "'overall'; a form has at most one overall question",
        ),
        (
            top(window_days=7, reminder_after_days=7),
            "workshop.yaml: reminder_after_days is 7 but the form closes after 7 days; expected "
            "fewer days than window_days",
        ),
        (top(questions=[]), "workshop.yaml: 'questions' is empty; expected at least one question"),
        (top(questions="all"), "workshop.yaml: 'questions' is 'all'; expected a list of questions"),
        (
            add_question(key="x", type="yes_no"),
            "workshop.yaml, question 'x': 'text' is missing",
        ),
        (
            add_question(type="yes_no", text="Nameless?"),
            "workshop.yaml, question 4: 'key' is missing",
        ),
    ],
)
def test_each_mistake_is_named_with_what_is_expected(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    problems = problems_of(tmp_path, form_with(change))

    assert any(problem.startswith(message) for problem in problems), problems


def test_every_problem_is_reported_at_once_on_one_line(tmp_path: Path) -> None:
    data = form_with(top(title=None, version=-1))
    data["questions"][0]["type"] = "stars"
    data["questions"][1]["options"] = ["Only"]
    write_form(tmp_path, data)
    write_form(tmp_path, "just a sentence", name="other.yaml")

    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)

    assert len(caught.value.problems) == 5
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("5 problems with evaluation forms: other.yaml: found 'just a ")
    assert "workshop.yaml, question 'overall': type 'stars'" in message


def test_unparseable_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("key: workshop\ntitle: [unclosed\n", encoding="utf-8")

    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)

    assert str(caught.value).startswith("broken.yaml: not valid YAML at line 3, column 1:")


def test_an_empty_file_or_question_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    write_form(tmp_path, form_with(add_question()), name="gap.yaml")
    (tmp_path / "notes.txt").write_text("not a form", encoding="utf-8")

    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)

    assert caught.value.problems == (
        "empty.yaml: found nothing; expected a mapping of form fields (key, version, ...)",
        "gap.yaml, question 4: 'key' is missing; expected a name of lower-case letters, digits "
        "and underscores, unique in the form",
        "gap.yaml, question 4: 'type' is missing; expected one of rating5, objectives_met, "
        "agreement5, yes_no, single_choice, multiple_choice, free_text",
        "gap.yaml, question 4: 'text' is missing; expected text of at most 2000 characters",
    )


def test_two_files_with_the_same_key_and_version_are_refused(tmp_path: Path) -> None:
    write_form(tmp_path, VALID, name="a.yaml")
    write_form(tmp_path, form_with(top(title="Other title")), name="b.yaml")
    write_form(tmp_path, form_with(top(version=2)), name="c.yaml")

    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)

    assert caught.value.problems == (
        "b.yaml: form 'workshop' version 1 is also defined in a.yaml; give one of them a new "
        "version",
    )


def test_a_missing_directory_is_a_form_error(tmp_path: Path) -> None:
    with pytest.raises(FormDefinitionError, match="is not a directory of evaluation form files"):
        load_forms(tmp_path / "nowhere")


def test_imported_forms_add_to_the_builtins_and_may_repeat_them_unchanged(tmp_path: Path) -> None:
    builtin_workshop = next(form for form in builtin_forms() if form.key == "workshop")
    copied = yaml.safe_dump(builtin_workshop.as_json(), sort_keys=False)
    (tmp_path / "workshop.yaml").write_text(copied, encoding="utf-8")
    write_form(tmp_path, form_with(top(key="workshop", version=7)), name="workshop_v7.yaml")

    forms = configured_forms(tmp_path)

    assert len(forms) == len(builtin_forms()) + 1
    assert ("workshop", 7) in {(form.key, form.version) for form in forms}


def test_an_imported_form_may_not_change_a_builtin_version(tmp_path: Path) -> None:
    write_form(tmp_path, VALID, name="my_workshop.yaml")

    with pytest.raises(FormDefinitionError) as caught:
        configured_forms(tmp_path)

    assert str(caught.value) == (
        f"my_workshop.yaml in {tmp_path}: form 'workshop' version 1 differs from the built-in "
        "workshop.yaml; give it a new version"
    )


# Scales


def test_scale_labels_and_stored_numbers() -> None:
    assert SCALE_LABELS[QuestionType.RATING5][0] == "Excellent"
    assert scale_value(QuestionType.RATING5, "Good") == 2
    assert scale_value(QuestionType.OBJECTIVES_MET, "Not at all") == 4
    assert scale_value(QuestionType.AGREEMENT5, "Strongly agree") == 5
    assert (scale_value(QuestionType.YES_NO, "Yes"), scale_value(QuestionType.YES_NO, "No")) == (
        1,
        0,
    )
    for question_type, labels in SCALE_LABELS.items():
        for label in labels:
            assert scale_label(question_type, scale_value(question_type, label)) == label
    with pytest.raises(ValueError, match="stored as 1 to 5, not 6"):
        scale_label(QuestionType.RATING5, 6)


# Settings and start-up


def test_forms_dir_setting_must_be_a_directory(tmp_path: Path) -> None:
    settings = load_settings({"COHORTBOT_FORMS_DIR": str(tmp_path)}, env_file=None)
    assert settings.forms_dir == tmp_path
    assert load_settings({}, env_file=None).forms_dir is None

    with pytest.raises(SettingsError, match="COHORTBOT_FORMS_DIR is not a directory"):
        load_settings({"COHORTBOT_FORMS_DIR": str(tmp_path / "missing")}, env_file=None)


def test_a_broken_imported_form_stops_start_up_with_one_line(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    write_form(forms, form_with(q(0, type="rating")), name="ours.yaml")
    env = {**base_env, "COHORTBOT_FORMS_DIR": str(forms)}

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cohortbot: ours.yaml, question 'overall': type 'rating' is not one of rating5, "
        "objectives_met, agreement5, yes_no, single_choice, multiple_choice, free_text"
    ]
    assert not (tmp_path / "cli.db").exists()  # stopped before touching the database
