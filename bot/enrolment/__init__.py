"""Enrolment: places in cohorts, the waiting list, deferral and withdrawal."""
