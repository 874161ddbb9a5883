"""The Bolt app factory: one place that wires settings, the database, the clock and the listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core import event_log
from bot.core.clock import Clock, system_clock
from bot.core.logging_setup import bolt_base_logger
from bot.core.settings import Settings
from bot.slack.acknowledgements_first import ACKNOWLEDGEMENTS_FIRST
from bot.slack.app_context import CONTEXT_KEY, Services
from bot.slack.handoff.queue import forget_handed_off
from bot.slack.web import SERVER_THREADS
from db.engine import reading, unit_of_work

logger = logging.getLogger(__name__)

# Bolt runs listeners on a pool of 5 threads by default, and a listener keeps its thread after
# `ack()` while it queries the database and calls Slack; under load a new request then waits for
# a free thread before it can even be acknowledged, which was the long tail of acknowledgements
# (figures: README, Benchmarks). Work after an acknowledgement also waits, holding its thread,
# while other requests await theirs (`acknowledgements_first`): with 64 threads, 56 can wait and
# the 8 the server's requests need stay free, so a burst of 50 is acknowledged before any work.
LISTENER_THREADS = 64
ACKNOWLEDGEMENTS_FIRST.limit_work_to(LISTENER_THREADS, SERVER_THREADS)
# Set by the retry check when it has already recorded an event's delivery.
_EVENT_RECORDED = "cohortbot_event_recorded"


def create_app(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session],
    client: WebClient,
    register_listeners: Callable[[App], None],
    handed_off_requests: Engine,
    clock: Clock = system_clock,
    socket_mode: bool = False,
    worker: bool = False,
) -> App:
    """Build the Bolt app; over HTTP every request must carry Slack's signature.

    The listeners are passed in (`handlers.register`) because they sit above this layer. A
    `worker`'s app replays requests the web process checked and acknowledged (`bot.slack.handoff`):
    it runs each listener to the end before answering, and checks no signature (its requests come
    from the database, not the network, and may be older than a signature's five minutes).
    """
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode traffic arrives over an authenticated websocket and carries no signature.
        request_verification_enabled=not (socket_mode or worker),
        process_before_response=worker,
        name="cohortbot",
        # Bolt's loggers derive from this one and copy its filter, which keeps request bodies
        # (personal data) out of their lines.
        logger=bolt_base_logger(),
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
    )
    services = Services(
        uow=partial(unit_of_work, session_factory),
        clock=clock,
        settings=settings,
        read=partial(reading, session_factory),
        forget_handed_off=partial(forget_handed_off, handed_off_requests),
    )
    uow = services.uow

    def provide_services(context: dict[str, Any], next_: Callable[[], None]) -> None:
        context[CONTEXT_KEY] = services
        next_()

    def ignore_event_retries(
        body: dict[str, Any],
        request: BoltRequest,
        context: dict[str, Any],
        next_: Callable[[], None],
    ) -> BoltResponse | None:
        # Slack retries an event it thinks we missed; Bolt would run the listeners again. A
        # first delivery is recorded by its listener after Bolt has acknowledged it
        # (`once_per_delivery`), so that no database write delays the acknowledgement; only a
        # retry, which is rare, is checked here, before it is acknowledged.
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and request.headers.get("x-slack-retry-num"):
            with uow() as session:
                first_delivery = event_log.record_event(session, event_id, clock())
            if not first_delivery:
                logger.info("ignoring repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
            context[_EVENT_RECORDED] = True
        next_()
        return None

    def drop_nul_characters(body: dict[str, Any], next_: Callable[[], None]) -> None:
        # No one types a NUL, PostgreSQL cannot store one in text, and nothing of it would show.
        _strip_nul(body)
        next_()

    app.use(drop_nul_characters)
    app.use(provide_services)
    app.use(ignore_event_retries)
    register_listeners(app)
    return app


def _strip_nul(value: Any) -> Any:
    """`value` with NUL characters removed from every string in it; containers change in place."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _strip_nul(item)
    elif isinstance(value, list):
        value[:] = [_strip_nul(item) for item in value]
    return value


def once_per_delivery(listener: Callable[..., None]) -> Callable[..., None]:
    """`listener` for an event, run only on the event's first delivery.

    It records the delivery after Bolt has acknowledged the event (event listeners are
    acknowledged before they start), so that a retry arriving later is recognised and ignored.
    """
    wanted = get_arg_names_of_callable(listener)

    def deduplicated(
        body: dict[str, Any],
        context: dict[str, Any],
        event: dict[str, Any],
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        event_id = body.get("event_id")
        if event_id and not context.get(_EVENT_RECORDED):
            services: Services = context[CONTEXT_KEY]
            with services.uow() as session:
                first_delivery = event_log.record_event(session, event_id, services.clock())
            if not first_delivery:
                logger.info("ignoring repeated delivery of event %s", event_id)
                return
        available = {
            "body": body,
            "context": context,
            "event": event,
            "client": client,
            "logger": logger,
        }
        listener(**{name: available[name] for name in wanted})

    deduplicated.__name__ = getattr(listener, "__name__", "listener")
    deduplicated.__doc__ = listener.__doc__
    return deduplicated
