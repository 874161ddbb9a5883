"""Database layer: typed models, engine and session handling, Alembic migrations."""
