"""The digest's diversity figures: disclosed at programme level only, small numbers withheld."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.core.disclosure import Breakdown
from tests.reporting.digest_dataset import figures_for


def test_diversity_is_disclosed_at_programme_level(
    db: sessionmaker[Session], programme_id: int
) -> None:
    diversity = figures_for(db, programme_id).diversity

    assert diversity is not None
    # 29 people applied (Ivy twice); the 7 participants are all among them.
    assert (diversity.applicants_total, diversity.participants_total) == ("30", "*")
    tables = {table.dimension: table for table in diversity.tables}
    assert [table.title for table in diversity.tables] == [
        "Ethnicity", "Gender", "Region", "Organisation type",
    ]  # fmt: skip
    ethnicity = tables["ethnicity"]
    # Applicants: Asian 7, Black 1, White 17, not stated 4 (Ivy's earlier "Mixed" is not counted).
    assert ethnicity.categories == ("Asian", "Black", "White", "Not stated")
    assert ethnicity.applicants == Breakdown(
        cells={"Asian": "*", "Black": "*", "White": "15", "Not stated": "*"}, total="30"
    )
    # Participants: White 4 (Ann, Bob, Gus, Ivy), Asian 1, Black 1, not stated 1 (Cat).
    assert ethnicity.participants == Breakdown(
        cells={"Asian": "*", "Black": "*", "White": "*", "Not stated": "*"}, total="*"
    )
    gender = tables["gender"]
    # Applicants: Man 10, Woman 15, not stated 4: with the total shown, the one small cell would be
    # 30 - 10 - 15, so the next smallest (Man) is hidden too.
    assert gender.categories == ("Man", "Woman", "Not stated")
    assert gender.applicants == Breakdown(
        cells={"Man": "*", "Woman": "15", "Not stated": "*"}, total="30"
    )
    region = tables["region"]
    # Applicants: London 22, North West 3, South East 3, not stated 1 (Gus).
    assert region.categories == ("London", "North West", "South East", "Not stated")
    assert region.applicants == Breakdown(
        cells={"London": "20", "North West": "*", "South East": "*", "Not stated": "*"}, total="30"
    )
    # Participants: London 3 (Eve, Hal, Ivy), North West 3, South East 0, not stated 1.
    assert region.participants == Breakdown(
        cells={"London": "*", "North West": "*", "South East": "0", "Not stated": "*"}, total="*"
    )
    organisation = tables["organisation_type"]
    # Applicants: Acute 23, Ambulance 3, Community 2 (Cat, Ivy), Mental health 1 (Eve).
    assert organisation.categories == ("Acute", "Ambulance", "Community", "Mental health")
    assert organisation.applicants == Breakdown(
        cells={"Acute": "25", "Ambulance": "*", "Community": "*", "Mental health": "*"},
        total="30",
    )
    assert organisation.participants.cells["Ambulance"] == "0"
