"""Database layer: typed models, engine and session handling, Alembic migrations.

- ``db.base``: declarative ``Base``, ``UTCDateTime``, enum and JSON column types.
- ``db.enums``: the StrEnums stored in the database.
- ``db.models``: every model, importable from one place.
- ``db.engine``: ``create_engine_for``, ``make_session_factory``, ``unit_of_work``, ``ping``.
- ``db.migrate``: run the packaged Alembic migrations from code (``upgrade`` etc.).
"""
