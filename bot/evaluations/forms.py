"""Evaluation forms as data: loaded from YAML files, checked, versioned and stored.

The built-in forms are the files in ``templates/evaluation_forms/``; a deployment can add or
replace forms with files in the directory named by ``COHORTBOT_FORMS_DIR``. Every start-up loads
them all (a broken file stops the bot with one line naming the file and question) and stores any
(key, version) not yet in the database. A stored version is never edited: changing a form means
giving it a new ``version``; requests and responses keep pointing at the version they used, and new
requests use the latest.

File format (one form per ``*.yaml`` file)::

    key: workshop            # [a-z0-9_]+, the form's stable name
    version: 1               # positive whole number; bump it whenever the form changes
    title: Workshop feedback # at most 24 characters (Slack's modal title limit)
    anonymous: false         # true: responses are not linked to the person
    attached_to: workshop    # a SessionKind value, or a Milestone: enrolment, programme_end,
                             # follow_up, coaching_complete
    window_days: 14          # optional (default 14): how long the form stays open
    reminder_after_days: 3   # optional (default 3): when non-responders get one reminder
    intro: "..."             # optional, shown at the top of the modal
    questions:
      - key: overall         # unique in the form
        type: rating5        # rating5 | objectives_met | agreement5 | yes_no |
                             # single_choice | multiple_choice | free_text
        text: Overall, how would you rate the workshop?   # at most 2000 characters
        section: Overall     # optional heading, at most 150 characters
        required: true       # optional, default true
        purpose: overall     # optional QuestionPurpose: overall (rating5), objectives
                             # (objectives_met), commitment (free_text), commitment_category
                             # (single_choice), confidence (agreement5); the first four at most
                             # once per form
        options: [...]       # only and always for single_choice / multiple_choice:
                             # 2 to 100 different texts of at most 75 characters each
        max_length: 500      # only for free_text: 1 to 3000, default 1000

How answers are stored (``EvaluationAnswer``), for the modal that writes them and the results that
read them:

- rating5, objectives_met, agreement5: ``value_number``, the position of the chosen label in
  ``SCALE_LABELS[type]`` counting from 1 (rating5: 1 = Excellent ... 5 = Very poor; objectives_met:
  1 = Completely ... 4 = Not at all; agreement5: 1 = Strongly disagree ... 5 = Strongly agree).
- yes_no: ``value_number`` 1 for Yes, 0 for No.
- single_choice and free_text: ``value_text`` (the chosen option's text, or what was typed).
- multiple_choice: ``value_choices``, the chosen options' texts in the order the form lists them.
- An optional question left unanswered has no answer row.

`scale_value` and `scale_label` convert between labels and stored numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from bot.core.errors import NotFound
from bot.core.form_validation import (
    REMINDER_AFTER_DAYS_DEFAULT,
    WINDOW_DAYS_DEFAULT,
    FormDefinition,
    FormDefinitionError,
    Milestone,
    QuestionDefinition,
    parse_form,
)
from bot.core.render import TEMPLATE_DIR
from db.enums import QuestionType
from db.models import EvaluationForm, EvaluationQuestion

__all__ = [
    "BUILTIN_FORMS_DIR",
    "SCALE_LABELS",
    "FormDefinition",
    "FormDefinitionError",
    "Milestone",
    "QuestionDefinition",
    "builtin_forms",
    "configured_forms",
    "forms_attached_to",
    "labels_for",
    "latest_form",
    "load_forms",
    "reminder_after_days",
    "scale_label",
    "scale_value",
    "sync_forms",
    "window_days",
]

BUILTIN_FORMS_DIR = TEMPLATE_DIR / "evaluation_forms"

# The words of each fixed scale, in stored order (see the module docstring).
SCALE_LABELS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.RATING5: ("Excellent", "Good", "Average", "Poor", "Very poor"),
    QuestionType.OBJECTIVES_MET: ("Completely", "Largely", "Partly", "Not at all"),
    QuestionType.AGREEMENT5: (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
    QuestionType.YES_NO: ("Yes", "No"),
}

# Any constant will do, as long as every cohortbot process uses the same one.
_SYNC_LOCK_KEY = 0x666F726D73  # "forms"


def load_forms(directory: Path) -> tuple[FormDefinition, ...]:
    """Every form defined by a ``*.yaml``/``*.yml`` file in `directory`, checked.

    Raises `FormDefinitionError` listing every problem in every file, including two files that
    define the same key and version.
    """
    if not directory.is_dir():
        raise FormDefinitionError([f"{directory} is not a directory of evaluation form files"])
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    problems: list[str] = []
    forms: list[FormDefinition] = []
    for path in paths:
        try:
            forms.append(parse_form(_read_yaml(path), path.name))
        except FormDefinitionError as error:
            problems.extend(error.problems)
    seen: dict[tuple[str, int], FormDefinition] = {}
    for form in forms:
        earlier = seen.setdefault((form.key, form.version), form)
        if earlier is not form:
            problems.append(
                f"{form.source}: form '{form.key}' version {form.version} is also defined in "
                f"{earlier.source}; give one of them a new version"
            )
    if problems:
        raise FormDefinitionError(problems)
    return tuple(forms)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise FormDefinitionError([f"{path.name}: cannot be read ({reason})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "unreadable"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise FormDefinitionError([f"{path.name}: not valid YAML{where}: {problem}"]) from None


@cache
def builtin_forms() -> tuple[FormDefinition, ...]:
    """The forms shipped in ``templates/evaluation_forms/`` (read once per process)."""
    return load_forms(BUILTIN_FORMS_DIR)


def configured_forms(forms_dir: Path | None) -> tuple[FormDefinition, ...]:
    """The built-in forms plus those in `forms_dir` (``COHORTBOT_FORMS_DIR``), if set.

    An imported file may add forms or newer versions of built-in ones; repeating a built-in
    (key, version) is allowed only if it is identical.
    """
    builtins = builtin_forms()
    if forms_dir is None:
        return builtins
    imported = load_forms(forms_dir)
    by_version = {(form.key, form.version): form for form in builtins}
    problems = [
        f"{form.source} in {forms_dir}: form '{form.key}' version {form.version} differs from "
        f"the built-in {by_version[form.key, form.version].source}; give it a new version"
        for form in imported
        if (form.key, form.version) in by_version
        and form.as_json() != by_version[form.key, form.version].as_json()
    ]
    if problems:
        raise FormDefinitionError(problems)
    extra = tuple(form for form in imported if (form.key, form.version) not in by_version)
    return builtins + extra


def sync_forms(session: Session, definitions: Iterable[FormDefinition]) -> None:
    """Store each (key, version) of `definitions` not yet in the database; leave identical ones be.

    Raises `FormDefinitionError` if a stored version differs from its file: published versions
    are never edited. Cheap when nothing is new: one query.
    """
    wanted: dict[tuple[str, int], FormDefinition] = {}
    for definition in definitions:
        earlier = wanted.setdefault((definition.key, definition.version), definition)
        if earlier.as_json() != definition.as_json():
            raise FormDefinitionError(
                [
                    f"{definition.source}: form '{definition.key}' version {definition.version} "
                    f"differs from {earlier.source}; give one of them a new version"
                ]
            )
    if not wanted:
        return
    keys = {key for key, _ in wanted}
    stored = _stored_definitions(session, keys)
    if set(wanted) - set(stored) and session.get_bind().dialect.name == "postgresql":
        # Processes starting together (web and clock) must not both insert the same version.
        # SQLite needs nothing: every transaction there takes the write lock up front.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SYNC_LOCK_KEY})
        stored = _stored_definitions(session, keys)
    problems = [
        _edited_problem(definition, stored)
        for version_key, definition in wanted.items()
        if version_key in stored and stored[version_key] != definition.as_json()
    ]
    if problems:
        raise FormDefinitionError(problems)
    for version_key, definition in wanted.items():
        if version_key not in stored:
            session.add(_form_row(definition))
    session.flush()


def _stored_definitions(session: Session, keys: set[str]) -> dict[tuple[str, int], Any]:
    rows = session.execute(
        sa.select(EvaluationForm.key, EvaluationForm.version, EvaluationForm.definition).where(
            EvaluationForm.key.in_(sorted(keys))
        )
    )
    return {(key, version): definition for key, version, definition in rows}


def _edited_problem(definition: FormDefinition, stored: dict[tuple[str, int], Any]) -> str:
    next_version = 1 + max(version for key, version in stored if key == definition.key)
    return (
        f"{definition.source}: form '{definition.key}' version {definition.version} is already "
        "stored and differs from this file; a published version is never edited, so give the "
        f"changed form a new version (version: {next_version})"
    )


def _form_row(definition: FormDefinition) -> EvaluationForm:
    return EvaluationForm(
        key=definition.key,
        version=definition.version,
        title=definition.title,
        anonymous=definition.anonymous,
        attached_to=definition.attached_to,
        definition=definition.as_json(),
        questions=[
            EvaluationQuestion(
                key=question.key,
                position=position,
                type=question.type,
                text=question.text,
                required=question.required,
                options=list(question.options) if question.options is not None else None,
                max_length=question.max_length,
                section=question.section,
                purpose=question.purpose.value if question.purpose is not None else None,
            )
            for position, question in enumerate(definition.questions, start=1)
        ],
    )


def latest_form(session: Session, key: str) -> EvaluationForm:
    """The newest stored version of the form `key`; `NotFound` if there is none."""
    form = session.scalars(
        sa.select(EvaluationForm)
        .where(EvaluationForm.key == key)
        .order_by(EvaluationForm.version.desc())
        .limit(1)
    ).first()
    if form is None:
        raise NotFound(f"There is no evaluation form called '{key}'.")
    return form


def forms_attached_to(session: Session, attached_to: str) -> list[EvaluationForm]:
    """The latest version of each form whose latest version is attached to `attached_to`.

    `attached_to` is a `SessionKind` or `Milestone` value; forms are ordered by key.
    """
    latest = (
        sa.select(EvaluationForm.key, sa.func.max(EvaluationForm.version).label("version"))
        .group_by(EvaluationForm.key)
        .subquery()
    )
    return list(
        session.scalars(
            sa.select(EvaluationForm)
            .join(
                latest,
                sa.and_(
                    EvaluationForm.key == latest.c.key,
                    EvaluationForm.version == latest.c.version,
                ),
            )
            .where(EvaluationForm.attached_to == attached_to)
            .order_by(EvaluationForm.key)
        )
    )


def window_days(form: EvaluationForm) -> int:
    """How many days `form` stays open after it is sent (``window_days``, default 14)."""
    return int((form.definition or {}).get("window_days", WINDOW_DAYS_DEFAULT))


def reminder_after_days(form: EvaluationForm) -> int:
    """How many days after sending non-responders are reminded (default 3)."""
    return int((form.definition or {}).get("reminder_after_days", REMINDER_AFTER_DAYS_DEFAULT))


def labels_for(question: EvaluationQuestion) -> tuple[str, ...]:
    """What a participant chooses from: a scale's labels or a choice question's options."""
    if question.type in SCALE_LABELS:
        return SCALE_LABELS[question.type]
    return tuple(str(option) for option in question.options or ())


def scale_value(question_type: QuestionType, label: str) -> int:
    """The number stored for `label` on a scale or yes/no question (ValueError if not a label)."""
    labels: Sequence[str] = SCALE_LABELS[question_type]
    position = labels.index(label)
    if question_type is QuestionType.YES_NO:
        return 1 if position == 0 else 0
    return position + 1


def scale_label(question_type: QuestionType, value: int) -> str:
    """The label for a stored number on a scale or yes/no question (ValueError if out of range)."""
    labels = SCALE_LABELS[question_type]
    if question_type is QuestionType.YES_NO:
        if value not in (0, 1):
            raise ValueError(f"yes_no answers are stored as 1 or 0, not {value}")
        return labels[0] if value == 1 else labels[1]
    if not 1 <= value <= len(labels):
        raise ValueError(f"{question_type} answers are stored as 1 to {len(labels)}, not {value}")
    return labels[value - 1]
