"""Logging set-up with a safety net that keeps secrets out of every log line."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

# Slack tokens have recognisable shapes; anything that looks like one is masked even if it is not
# one of ours (slack_sdk's debug logging prints request headers, for example).
_TOKEN_SHAPE = re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+")
MASK = "[redacted]"


class RedactingFilter(logging.Filter):
    """Masks known secret values and anything shaped like a Slack token in log records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        """Return `text` with secrets masked."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    """Send logs to stderr through the redacting filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    handler.addFilter(RequestDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


# Bolt writes what a request carried into some of its log lines: the whole body of a request whose
# signature fails (at INFO), the body a global middleware left unanswered, the filtered body of an
# unhandled request (a typed value for suggestions) and each response body (at DEBUG). Those bodies
# hold names, e-mails and whatever people typed, so each of those lines keeps only its opening
# words. The phrases are Bolt's own (slack_bolt/logger/messages.py and request_verification.py).
_REQUEST_DATA_PHRASES = (
    "Invalid request signature detected",
    "Unhandled request",
    "without providing a response for the request",
    "Responding with status",
    "request body",
    "Request body",
)
WITHHELD = "(request details withheld: they can hold personal data)"


class RequestDataFilter(logging.Filter):
    """Cuts request bodies out of Bolt's log lines, keeping the words that say what happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for phrase in _REQUEST_DATA_PHRASES:
            if phrase in message:
                opening = message.split("(", 1)[0].split(":", 1)[0].rstrip()
                record.msg, record.args = f"{opening} {WITHHELD}", None
                break
        return True


def bolt_base_logger() -> logging.Logger:
    """The logger to hand Bolt's `App(logger=...)`: every logger Bolt derives copies its filter.

    Its level stays unset, so Bolt's loggers follow the root's level as configured at start-up.
    """
    logger = logging.getLogger("cohortbot.slack")
    if not any(isinstance(f, RequestDataFilter) for f in logger.filters):
        logger.addFilter(RequestDataFilter())
    return logger


def exception_outline(error: BaseException) -> str:
    """An exception's types and stack frames without its messages, which can quote personal data.

    (A database error quotes the values it was given; a parse error quotes the text it met.)
    """
    lines: list[str] = []
    current: BaseException | None = error
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        lines.extend(traceback.format_tb(current.__traceback__))
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("while handling, or caused by:")
    return "\n".join(line.rstrip() for line in lines)
