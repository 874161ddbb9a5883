"""Logging set-up with a safety net that keeps secrets out of every log line."""

from __future__ import annotations

import logging
import re
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
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
