"""The Slack Web API client, with the retry behaviour Slack asks of well-behaved apps."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

# A 429 means Slack did not act on the call, so waiting `Retry-After` and trying again is always safe.
RATE_LIMIT_RETRIES = 3
# A connection that failed before a response can be retried for reads; the outbox, which must never
# post a message twice, reconciles with the channel history instead of relying on this.
CONNECTION_RETRIES = 2
TIMEOUT_SECONDS = 15


def make_web_client(
    token: str | None, api_url: str, *, retry_connections: bool = True
) -> WebClient:
    """A `WebClient` for `api_url` that honours `Retry-After` and retries dropped connections.

    The outbox's client does not retry connections: a post whose answer was lost may have been
    delivered, and is reconciled against the conversation's history instead.
    """
    client = WebClient(token=token, base_url=api_url, timeout=TIMEOUT_SECONDS)
    handlers: list[RetryHandler] = [RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]
    if retry_connections:
        handlers.insert(0, ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES))
    client.retry_handlers = handlers
    return client
