"""Checking one parsed evaluation form file and turning it into a `FormDefinition`.

Pure functions, no I/O: `bot.evaluations.forms` reads the files and stores the results. Every
problem is collected (not just the first) and names the file and, where it applies, the question,
then says what is expected. The file format is described in `bot.evaluations.forms`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.errors import CohortbotError
from bot.core.field_reader import FieldReader, describe, show
from db.enums import QuestionPurpose, QuestionType, SessionKind

KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,100}$")
TITLE_MAX = 24  # Slack's limit for a modal's title
TEXT_MAX = 2000
INTRO_MAX = 2000
SECTION_MAX = 150
OPTION_MAX = 75  # Slack's limit for an option's text
OPTIONS_MIN, OPTIONS_MAX = 2, 100
FREE_TEXT_DEFAULT, FREE_TEXT_MAX = 1000, 3000  # Slack's plain_text_input max_length is 3000
WINDOW_DAYS_DEFAULT, WINDOW_DAYS_MAX = 14, 365
REMINDER_AFTER_DAYS_DEFAULT = 3

CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
# The only type each purpose can be read as by the results.
PURPOSE_TYPES: dict[QuestionPurpose, QuestionType] = {
    QuestionPurpose.OVERALL: QuestionType.RATING5,
    QuestionPurpose.OBJECTIVES: QuestionType.OBJECTIVES_MET,
    QuestionPurpose.COMMITMENT: QuestionType.FREE_TEXT,
    QuestionPurpose.COMMITMENT_CATEGORY: QuestionType.SINGLE_CHOICE,
    QuestionPurpose.CONFIDENCE: QuestionType.AGREEMENT5,
}
# Purposes the results read as "the" question of a form, so there can be only one.
ONCE_PER_FORM = frozenset(
    {
        QuestionPurpose.OVERALL,
        QuestionPurpose.OBJECTIVES,
        QuestionPurpose.COMMITMENT,
        QuestionPurpose.COMMITMENT_CATEGORY,
    }
)


class Milestone(StrEnum):
    """A point in a participant's programme that a form can be attached to instead of a session."""

    # The baseline survey, when someone is enrolled.
    ENROLMENT = "enrolment"
    # The end-of-programme survey.
    PROGRAMME_END = "programme_end"
    # Career progression, 12 months after the programme ends.
    FOLLOW_UP = "follow_up"
    # After a participant's last coaching session.
    COACHING_COMPLETE = "coaching_complete"


ATTACHABLE = tuple(kind.value for kind in SessionKind) + tuple(m.value for m in Milestone)

# Field name -> what it must be, said the way an error message will say it.
FORM_FIELDS: dict[str, str] = {
    "key": "a name of lower-case letters, digits and underscores, such as workshop",
    "version": "a positive whole number",
    "title": f"text of at most {TITLE_MAX} characters",
    "anonymous": "true or false",
    "attached_to": "one of " + ", ".join(ATTACHABLE),
    "window_days": f"a whole number of days from 1 to {WINDOW_DAYS_MAX}",
    "reminder_after_days": "a whole number of days, fewer than window_days",
    "intro": f"text of at most {INTRO_MAX} characters",
    "questions": "a list of questions",
}
FORM_REQUIRED = ("key", "version", "title", "anonymous", "attached_to", "questions")
QUESTION_FIELDS: dict[str, str] = {
    "key": "a name of lower-case letters, digits and underscores, unique in the form",
    "type": "one of " + ", ".join(QuestionType),
    "text": f"text of at most {TEXT_MAX} characters",
    "section": f"text of at most {SECTION_MAX} characters",
    "required": "true or false",
    "purpose": "one of " + ", ".join(QuestionPurpose),
    "options": f"a list of {OPTIONS_MIN} to {OPTIONS_MAX} different texts of at most "
    f"{OPTION_MAX} characters (quote options such as 'Yes' or 'No', which YAML reads as true/false)",
    "max_length": f"a whole number from 1 to {FREE_TEXT_MAX}",
}
QUESTION_REQUIRED = ("key", "type", "text")


class FormDefinitionError(CohortbotError):
    """One or more evaluation form files are wrong; the message is one line naming each problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = f"{len(self.problems)} problems with evaluation forms: " + "; ".join(
                self.problems
            )
        super().__init__(message)


@dataclass(frozen=True)
class QuestionDefinition:
    """One question of a form, as checked from its file."""

    key: str
    type: QuestionType
    text: str
    section: str | None = None
    required: bool = True
    purpose: QuestionPurpose | None = None
    options: tuple[str, ...] | None = None
    # Only for free text (defaults to FREE_TEXT_DEFAULT there); None for every other type.
    max_length: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The question as stored in `EvaluationForm.definition` (unset fields left out)."""
        data = {
            "key": self.key,
            "type": self.type.value,
            "text": self.text,
            "section": self.section,
            "required": self.required,
            "purpose": self.purpose.value if self.purpose is not None else None,
            "options": list(self.options) if self.options is not None else None,
            "max_length": self.max_length,
        }
        return {name: value for name, value in data.items() if value is not None}


@dataclass(frozen=True)
class FormDefinition:
    """An evaluation form as checked from its file; `source` is the file's name."""

    key: str
    version: int
    title: str
    anonymous: bool
    attached_to: str
    questions: tuple[QuestionDefinition, ...]
    window_days: int = WINDOW_DAYS_DEFAULT
    reminder_after_days: int = REMINDER_AFTER_DAYS_DEFAULT
    intro: str | None = None
    source: str = field(default="", compare=False)

    def as_json(self) -> dict[str, Any]:
        """The form as stored in `EvaluationForm.definition`, defaults filled in.

        Two files meaning the same form give the same dict, so comparing these decides whether
        a stored version was edited.
        """
        data = {
            "key": self.key,
            "version": self.version,
            "title": self.title,
            "anonymous": self.anonymous,
            "attached_to": self.attached_to,
            "window_days": self.window_days,
            "reminder_after_days": self.reminder_after_days,
            "intro": self.intro,
            "questions": [question.as_json() for question in self.questions],
        }
        return {name: value for name, value in data.items() if value is not None}


def parse_form(data: object, source: str) -> FormDefinition:
    """Check the parsed contents of the file `source`; `FormDefinitionError` lists every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        expected = "expected a mapping of form fields (key, version, ...)"
        raise FormDefinitionError([f"{source}: found {describe(data)}; {expected}"])
    form = FieldReader(data, source, FORM_FIELDS, FORM_REQUIRED, problems)
    key = form.text("key", pattern=KEY_PATTERN)
    version = form.integer("version", minimum=1)
    title = form.text("title", maximum=TITLE_MAX)
    anonymous = form.boolean("anonymous")
    attached_to = form.one_of("attached_to", ATTACHABLE)
    window = form.integer("window_days", minimum=1, maximum=WINDOW_DAYS_MAX)
    reminder = form.integer("reminder_after_days", minimum=1)
    intro = form.text("intro", maximum=INTRO_MAX)
    window_days = WINDOW_DAYS_DEFAULT if window is None else window
    reminder_after_days = REMINDER_AFTER_DAYS_DEFAULT if reminder is None else reminder
    if reminder_after_days >= window_days and not {"window_days", "reminder_after_days"} & form.bad:
        problems.append(
            f"{source}: reminder_after_days is {reminder_after_days} but the form closes after "
            f"{window_days} days; expected fewer days than window_days"
        )
    questions = _questions(data.get("questions"), source, problems)
    if problems:
        raise FormDefinitionError(problems)
    assert key is not None and version is not None and title is not None
    assert anonymous is not None and attached_to is not None
    return FormDefinition(
        key=key,
        version=version,
        title=title,
        anonymous=anonymous,
        attached_to=attached_to,
        questions=questions,
        window_days=window_days,
        reminder_after_days=reminder_after_days,
        intro=intro,
        source=source,
    )


def _questions(raw: object, source: str, problems: list[str]) -> tuple[QuestionDefinition, ...]:
    if raw is None:
        return ()  # reported as missing by _Fields
    if not isinstance(raw, list):
        problems.append(f"{source}: 'questions' is {describe(raw)}; expected a list of questions")
        return ()
    if not raw:
        problems.append(f"{source}: 'questions' is empty; expected at least one question")
        return ()
    questions: list[QuestionDefinition] = []
    seen_keys: set[str] = set()
    purpose_owner: dict[QuestionPurpose, str] = {}
    for number, item in enumerate(raw, start=1):
        label = _question_label(item, number)
        where = f"{source}, {label}"
        if not isinstance(item, dict):
            problems.append(
                f"{where}: found {describe(item)}; expected a mapping (key, type, text)"
            )
            continue
        question = _question(item, where, problems)
        if question is None:
            continue
        if question.key in seen_keys:
            problems.append(
                f"{where}: this key is used by an earlier question too; question keys must be "
                "unique in a form"
            )
        seen_keys.add(question.key)
        if question.purpose in ONCE_PER_FORM:
            owner = purpose_owner.setdefault(question.purpose, question.key)
            if owner != question.key:
                problems.append(
                    f"{where}: purpose '{question.purpose}' is already given to question "
                    f"'{owner}'; a form has at most one {question.purpose} question"
                )
        questions.append(question)
    return tuple(questions)


def _question_label(item: object, number: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"]:
        return f"question '{item['key']}'"
    return f"question {number}"


def _question(
    item: Mapping[str, Any], where: str, problems: list[str]
) -> QuestionDefinition | None:
    before = len(problems)
    fields = FieldReader(item, where, QUESTION_FIELDS, QUESTION_REQUIRED, problems)
    key = fields.text("key", pattern=KEY_PATTERN)
    type_ = fields.one_of("type", tuple(QuestionType))
    text = fields.text("text", maximum=TEXT_MAX)
    section = fields.text("section", maximum=SECTION_MAX)
    required = fields.boolean("required")
    purpose_value = fields.one_of("purpose", tuple(QuestionPurpose))
    options = _options(item, where, type_, problems)
    max_length = fields.integer("max_length", minimum=1, maximum=FREE_TEXT_MAX)
    purpose = QuestionPurpose(purpose_value) if purpose_value is not None else None
    question_type = QuestionType(type_) if type_ is not None else None
    if question_type is not None:
        if "max_length" in item and question_type is not QuestionType.FREE_TEXT:
            problems.append(
                f"{where}: 'max_length' is only for free_text questions, not {question_type}"
            )
        if purpose is not None and PURPOSE_TYPES[purpose] is not question_type:
            problems.append(
                f"{where}: purpose '{purpose}' needs type {PURPOSE_TYPES[purpose]}, "
                f"not {question_type}"
            )
    if len(problems) > before:
        return None
    assert key is not None and question_type is not None and text is not None
    if question_type is QuestionType.FREE_TEXT and max_length is None:
        max_length = FREE_TEXT_DEFAULT
    return QuestionDefinition(
        key=key,
        type=question_type,
        text=text,
        section=section,
        required=True if required is None else required,
        purpose=purpose,
        options=options,
        max_length=max_length,
    )


def _options(
    item: Mapping[str, Any], where: str, type_: str | None, problems: list[str]
) -> tuple[str, ...] | None:
    raw = item.get("options")
    if type_ is None:
        return None
    if type_ not in CHOICE_TYPES:
        if "options" in item:
            problems.append(
                f"{where}: 'options' is only for single_choice and multiple_choice questions, "
                f"not {type_}"
            )
        return None
    expected = QUESTION_FIELDS["options"]
    if raw is None:
        problems.append(f"{where}: a {type_} question needs 'options'; expected {expected}")
        return None
    if not isinstance(raw, list) or not OPTIONS_MIN <= len(raw) <= OPTIONS_MAX:
        count = f"{len(raw)} options" if isinstance(raw, list) else describe(raw)
        problems.append(f"{where}: 'options' is {count}; expected {expected}")
        return None
    options: list[str] = []
    for option in raw:
        if not isinstance(option, str) or not option.strip() or len(option) > OPTION_MAX:
            problems.append(f"{where}: option {show(option)} is not allowed; expected {expected}")
        elif option in options:
            problems.append(f"{where}: option {show(option)} is listed twice; expected {expected}")
        else:
            options.append(option)
    return tuple(options)
