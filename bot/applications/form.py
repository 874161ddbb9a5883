"""The application form's answers, checked field by field: shared by the modal and CSV import.

Pure functions, no I/O. Field names are also the CSV column names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import yaml

from bot.applications.screening import Screenable
from bot.core.errors import InvalidInput
from bot.core.mrkdwn import shorten
from bot.core.render import TEMPLATE_DIR
from db.enums import OrganisationType

REGIONS_FILE = TEMPLATE_DIR / "regions.yaml"
SUPPORTING_STATEMENT_MAX = 3000
PREFER_NOT_TO_SAY = "Prefer not to say"
GENDERS = ("Woman", "Man", "Non-binary", "Another gender", PREFER_NOT_TO_SAY)
ETHNICITIES = (
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or multiple ethnic groups",
    "White",
    "Another ethnic group",
    PREFER_NOT_TO_SAY,
)
ORGANISATION_TYPE_LABELS: dict[OrganisationType, str] = {
    OrganisationType.ACUTE: "Acute",
    OrganisationType.COMMUNITY: "Community",
    OrganisationType.MENTAL_HEALTH: "Mental health",
    OrganisationType.AMBULANCE: "Ambulance",
    OrganisationType.SPECIALIST: "Specialist",
    OrganisationType.COMMISSIONING: "Commissioning",
    OrganisationType.ARMS_LENGTH_BODY: "Arm's-length body",
    OrganisationType.OTHER: "Other",
}
REQUIRED_FIELDS = (
    "name",
    "email",
    "job_title",
    "organisation",
    "organisation_type",
    "region",
    "current_level",
    "recent_provider_experience",
)
OPTIONAL_FIELDS = (
    "professional_accreditation",
    "supporting_statement",
    "diversity_consent",
    "gender",
    "ethnicity",
)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


@cache
def regions() -> tuple[str, ...]:
    """The regions applicants choose from (templates/regions.yaml)."""
    data = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    return tuple(str(region) for region in data["regions"])


@dataclass(frozen=True)
class ApplicationAnswers(Screenable):
    """Everything an applicant tells us, checked."""

    name: str
    email: str
    job_title: str
    organisation: str
    organisation_type: OrganisationType
    region: str
    supporting_statement: str | None
    diversity_consent: bool
    gender: str | None
    ethnicity: str | None


class FormErrors(InvalidInput):
    """Several fields are wrong at once; `errors` maps each field name to what is wrong."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = dict(errors)


def parse_yes_no(text: str) -> bool | None:
    """'yes'/'no' (and y/n, true/false) as a bool; None when it is neither."""
    lowered = text.strip().lower()
    return True if lowered in _YES else False if lowered in _NO else None


def parse_organisation_type(text: str) -> OrganisationType | None:
    """An organisation type by value ('mental_health') or label ('Mental health'); None if unknown."""
    lowered = text.strip().lower()
    for kind, label in ORGANISATION_TYPE_LABELS.items():
        if lowered in (kind.value, label.lower(), kind.value.replace("_", " ")):
            return kind
    return None


def _choice(text: str, choices: tuple[str, ...]) -> str | None:
    return next((choice for choice in choices if choice.lower() == text.strip().lower()), None)


def check_answers(raw: Mapping[str, str | None]) -> ApplicationAnswers:
    """Check every field of a submitted form or CSV row; `FormErrors` lists all that are wrong."""
    values = {field: (raw.get(field) or "").strip() for field in FIELDS}
    errors: dict[str, str] = {}
    for field in REQUIRED_FIELDS:
        if not values[field]:
            errors[field] = "This is required."
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = f"'{shorten(values['email'])}' is not an email address."
    organisation_type = parse_organisation_type(values["organisation_type"])
    if values["organisation_type"] and organisation_type is None:
        known = ", ".join(ORGANISATION_TYPE_LABELS.values())
        errors["organisation_type"] = (
            f"'{shorten(values['organisation_type'])}' is not one of: {known}."
        )
    region = _choice(values["region"], regions())
    if values["region"] and region is None:
        errors["region"] = f"'{shorten(values['region'])}' is not one of: {', '.join(regions())}."
    experience = parse_yes_no(values["recent_provider_experience"])
    if values["recent_provider_experience"] and experience is None:
        errors["recent_provider_experience"] = "Answer yes or no."
    if len(values["supporting_statement"]) > SUPPORTING_STATEMENT_MAX:
        errors["supporting_statement"] = (
            f"Keep it to {SUPPORTING_STATEMENT_MAX} characters "
            f"(this is {len(values['supporting_statement'])})."
        )
    consent = parse_yes_no(values["diversity_consent"]) if values["diversity_consent"] else False
    if consent is None:
        errors["diversity_consent"] = "Answer yes or no."
    gender = _choice(values["gender"], GENDERS) if values["gender"] else None
    if values["gender"] and gender is None:
        errors["gender"] = f"'{shorten(values['gender'])}' is not one of: {', '.join(GENDERS)}."
    ethnicity = _choice(values["ethnicity"], ETHNICITIES) if values["ethnicity"] else None
    if values["ethnicity"] and ethnicity is None:
        errors["ethnicity"] = (
            f"'{shorten(values['ethnicity'])}' is not one of: {', '.join(ETHNICITIES)}."
        )
    if errors:
        raise FormErrors(errors)
    assert organisation_type is not None and region is not None
    # Diversity answers are kept only with consent: without it they are dropped, not stored.
    return ApplicationAnswers(
        name=values["name"],
        email=values["email"].lower(),
        job_title=values["job_title"],
        organisation=values["organisation"],
        organisation_type=organisation_type,
        region=region,
        current_level=values["current_level"],
        recent_provider_experience=experience,
        professional_accreditation=values["professional_accreditation"] or None,
        supporting_statement=values["supporting_statement"] or None,
        diversity_consent=bool(consent),
        gender=gender if consent else None,
        ethnicity=ethnicity if consent else None,
    )
