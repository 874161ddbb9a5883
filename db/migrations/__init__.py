"""Alembic migration environment (a package so that it ships with cohortbot)."""
