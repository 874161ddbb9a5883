"""Diversity of applicants and participants, at programme level only, every count disclosed.

Each person counts once: an applicant by their latest application to the programme, a participant
by the application their place came from (else their latest). Gender and ethnicity come only from
applications with diversity consent and are "Not stated" otherwise.

Region and organisation type are not special-category data, but they go through the same
`disclose_breakdown` as gender and ethnicity: next to those tables, small counts of people by
region or employer type would let a reader narrow a suppressed cell down to one person, and one
rule for every diversity table is easier to trust.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.applications.form import ORGANISATION_TYPE_LABELS
from bot.core.disclosure import disclose_breakdown, disclose_count
from bot.reporting.digest.figures import DiversityFigures, DiversityTable
from bot.reporting.digest.rows import ApplicationRow, EnrolmentRow
from db.enums import OrganisationType
from db.models import ErasedDiversityProfile

NOT_STATED = "Not stated"


def _label(value: str | None) -> str:
    cleaned = (value or "").strip()
    return cleaned or NOT_STATED


def _organisation_type(value: OrganisationType | None) -> str:
    return NOT_STATED if value is None else ORGANISATION_TYPE_LABELS[value]


def _profile(
    gender: str | None,
    ethnicity: str | None,
    region: str | None,
    organisation_type: OrganisationType | None,
) -> dict[str, str]:
    """One person's answers as the tables read them, by dimension."""
    return {
        "gender": _label(gender),
        "ethnicity": _label(ethnicity),
        "region": _label(region),
        "organisation_type": _organisation_type(organisation_type),
    }


def _from_application(row: ApplicationRow) -> dict[str, str]:
    return _profile(row.gender, row.ethnicity, row.region, row.organisation_type)


DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("ethnicity", "Ethnicity"),
    ("gender", "Gender"),
    ("region", "Region"),
    ("organisation_type", "Organisation type"),
)


def profiles(
    applications: Sequence[ApplicationRow], participants: Sequence[EnrolmentRow]
) -> tuple[dict[int, dict[str, str]], dict[int, dict[str, str]]]:
    """By person id: each applicant's profile, and each participant's."""
    by_id = {row.id: row for row in applications}
    latest: dict[int, ApplicationRow] = {}
    for row in applications:  # oldest first, so the last one kept is the latest
        latest[row.person_id] = row
    applicants = {person_id: _from_application(row) for person_id, row in latest.items()}
    people: dict[int, dict[str, str]] = {}
    for participant in participants:
        enrolment = participant.enrolment
        if enrolment.person_id in people:
            continue
        application = by_id.get(enrolment.application_id or 0) or latest.get(enrolment.person_id)
        if application is not None:
            people[enrolment.person_id] = _from_application(application)
        else:
            person = enrolment.person
            people[enrolment.person_id] = _profile(
                None, None, person.region, person.organisation_type
            )
    return applicants, people


def diversity_figures(
    applications: Sequence[ApplicationRow],
    participants: Sequence[EnrolmentRow],
    erased: Sequence[ErasedDiversityProfile] = (),
) -> DiversityFigures:
    """Applicants versus participants by ethnicity, gender, region and organisation type.

    Erased people count through `erased`, their unlinked profiles, and never through their
    anonymised rows (whose diversity answers are gone).
    """
    gone = {row.enrolment.person_id for row in participants if row.enrolment.person.erased_at}
    gone |= {row.person_id for row in applications if row.erased}
    by_person, of_participants = profiles(
        [row for row in applications if row.person_id not in gone],
        [row for row in participants if row.enrolment.person_id not in gone],
    )
    applicants = list(by_person.values())
    applicants += [_erased_profile(row) for row in erased if row.applicant]
    members = list(of_participants.values())
    members += [_erased_profile(row) for row in erased if row.participant]
    tables = tuple(_table(key, title, applicants, members) for key, title in DIMENSIONS)
    return DiversityFigures(
        tables=tables,
        applicants_total=disclose_count(len(applicants)),
        participants_total=disclose_count(len(members)),
    )


def _erased_profile(row: ErasedDiversityProfile) -> dict[str, str]:
    return {
        "gender": row.gender,
        "ethnicity": row.ethnicity,
        "region": row.region,
        "organisation_type": row.organisation_type,
    }


def _table(
    key: str,
    title: str,
    applicants: Sequence[dict[str, str]],
    participants: Sequence[dict[str, str]],
) -> DiversityTable:
    applied = Counter(profile[key] for profile in applicants)
    joined = Counter(profile[key] for profile in participants)
    categories = tuple(sorted(applied.keys() | joined.keys(), key=_category_order))
    return DiversityTable(
        dimension=key,
        title=title,
        categories=categories,
        applicants=disclose_breakdown({name: applied[name] for name in categories}),
        participants=disclose_breakdown({name: joined[name] for name in categories}),
    )


def _category_order(name: str) -> tuple[bool, str]:
    return (name == NOT_STATED, name.casefold())
