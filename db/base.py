"""Declarative base, naming convention and the column types shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ENUM_LENGTH",
    "NAMING_CONVENTION",
    "SLACK_ID_LENGTH",
    "Base",
    "CreatedAtMixin",
    "JSONType",
    "UTCDateTime",
    "enum_column_type",
    "utcnow",
]

# Constraint names must be deterministic so that Alembic can drop and alter them
# later, and short enough for PostgreSQL's 63-character identifier limit.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

# Enum columns are plain VARCHARs of this width with no CHECK constraint, so adding
# a value to a Python enum needs no migration on either backend.
ENUM_LENGTH = 40

# Slack user, channel and team ids are short ("U012AB3CD"); "system" also fits.
SLACK_ID_LENGTH = 32

# JSON that works on SQLite and PostgreSQL. none_as_null makes Python None an SQL
# NULL rather than the JSON literal 'null', so "IS NULL" means what it says. Changes
# made in place (d["k"] = v) are not detected: assign a new value to the attribute.
JSONType = sa.JSON(none_as_null=True)


# Where a session's clock is kept, so that column defaults read the injected clock, not the wall.
CLOCK_KEY = "cohortbot.clock"


def utcnow(context: Any) -> datetime:
    """The time for a default timestamp: the session's clock, else (no session clock) the wall clock.

    SQLAlchemy calls a column default with the statement's execution context; the unit of work
    copies its session's clock onto the connection (`db.engine`), so `created_at` written under
    `scheduler --now T` is T. Only a session made without a clock (some tests, tools) reads the
    wall clock.
    """
    connection = getattr(context, "connection", None)
    clock = connection.info.get(CLOCK_KEY) if connection is not None else None
    now: datetime = (clock or wall_clock)()
    return now.astimezone(UTC)


def wall_clock() -> datetime:
    """The real time, aware, in UTC: the one place cohortbot reads the wall clock.

    It lives in the lowest layer because default timestamps need it when no clock was lent;
    everywhere else it arrives as `bot.core.clock.system_clock`, injected.
    """
    return datetime.now(UTC)


def _refuse_naive(value: datetime, where: str = "UTCDateTime") -> None:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{where} refuses a naive datetime: attach a time zone "
            "(for example datetime.now(UTC)) before storing it"
        )


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that only accepts aware datetimes and always returns aware UTC ones.

    PostgreSQL stores ``timestamp with time zone``. SQLite has no time zone support,
    so the value is normalised to UTC and stored naive in SQLAlchemy's fixed-width
    text format, which keeps ordering and range comparisons correct.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise an aware datetime to UTC; refuse naive ones."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        _refuse_naive(value)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored value as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            # Only SQLite (or a server default such as CURRENT_TIMESTAMP) gives us naive
            # values, and those are UTC by construction.
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column_type(enum_cls: type[enum.StrEnum], length: int = ENUM_LENGTH) -> sa.Enum:
    """Return a column type storing a StrEnum's values as a plain VARCHAR.

    No native enum and no CHECK constraint: new values need no migration. The ORM
    still refuses unknown values on the way in and out.
    """
    longest = max(len(member.value) for member in enum_cls)
    if longest > length:
        raise ValueError(f"{enum_cls.__name__} has a value longer than {length} characters")
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base for every cohortbot model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        list[str]: JSONType,
    }

    def __repr__(self) -> str:
        # Identity only: reprs end up in logs and must not carry personal data.
        identity = sa.inspect(self).identity
        key = ", ".join(map(str, identity)) if identity else "transient"
        return f"<{type(self).__name__} {key}>"


@event.listens_for(Base, "mapper_configured", propagate=True)
def _validate_datetimes_on_assignment(mapper: Mapper[Any], cls: type[Any]) -> None:
    """Refuse naive datetimes when assigned, not only later at flush time.

    The flush-time error arrives wrapped in a StatementError, far from the code that
    made the mistake; this one is a plain ValueError raised at the assignment.
    """
    for prop in mapper.column_attrs:
        if not any(isinstance(column.type, UTCDateTime) for column in prop.columns):
            continue
        where = f"{cls.__name__}.{prop.key}"

        def check(_target: Any, value: Any, _old: Any, _initiator: Any, where: str = where) -> Any:
            if isinstance(value, datetime):
                _refuse_naive(value, where)
            return value

        event.listen(getattr(cls, prop.key), "set", check, retval=True)


class CreatedAtMixin:
    """Adds a ``created_at`` timestamp set when the row is first flushed."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
