"""Fixtures for these tests."""

from __future__ import annotations

from tests.coaching.coaching_data import cohort_db  # noqa: F401  (fixtures)
