"""Alembic revisions, applied in order by db.migrate."""
