"""The hand-made digest programme (`tests.reporting.digest_dataset`) as a fixture."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.engine import unit_of_work
from tests.reporting.digest_dataset import build


@pytest.fixture
def programme_id(db: sessionmaker[Session]) -> int:
    """The id of the hand-made programme, built afresh for the test."""
    with unit_of_work(db) as session:
        return build(session)
