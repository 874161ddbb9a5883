"""Assembling the running parts from settings: database, Slack client, Bolt app, WSGI app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers
from bot.core.clock import Clock, system_clock
from bot.core.roles import bootstrap_coordinators
from bot.core.settings import Settings
from bot.evaluations.forms import configured_forms, sync_forms
from bot.slack import rendering
from bot.slack.app import create_app
from bot.slack.client import make_web_client
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.intake import HandOffIntake
from bot.slack.handoff.queue import queue_engine_for
from bot.slack.handoff.worker import HandOffWorker
from bot.slack.web import create_wsgi_app
from db.engine import create_engine_for, make_session_factory, ping, unit_of_work
from db.migrate import upgrade
from handlers.hand_off import hands_off
from scheduling.clock_lock import tick_lock
from scheduling.pacing import Pacer
from scheduling.tick import TickDependencies

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


@dataclass
class Runtime:
    """The shared parts every process builds once."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    client: WebClient
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        """Build the parts; nothing talks to Slack or the database yet."""
        rendering.install()
        engine = create_engine_for(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine, clock),
            client=make_web_client(settings.slack_bot_token, settings.slack_api_url),
            clock=clock,
        )

    def prepare_database(self) -> None:
        """Migrate, grant the configured coordinators their role and store new evaluation forms."""
        # Read the form files first, so a broken one stops start-up before anything changes.
        forms = configured_forms(self.settings.forms_dir)
        upgrade(self.settings.database_url)
        with unit_of_work(self.session_factory) as session:
            bootstrap_coordinators(session, self.settings.coordinators, self.clock())
            sync_forms(session, forms)

    def bolt_app(self, *, socket_mode: bool = False, worker: bool = False) -> App:
        """The Bolt app with every listener; a `worker`'s runs requests handed off to it."""
        return create_app(
            self.settings,
            session_factory=self.session_factory,
            client=self.client,
            register_listeners=handlers.register,
            clock=self.clock,
            socket_mode=socket_mode,
            worker=worker,
            handed_off_requests=self.handoff_engine,
        )

    def wsgi_app(self, doorbell: Doorbell | None = None) -> WSGIApplication:
        """The HTTP app: Slack's Request URL and /healthz.

        With a `doorbell`, requests the worker can serve are stored and acknowledged at once,
        and the worker listening at the doorbell's other end is woken to do their work.
        """
        intake = None
        if doorbell is not None:
            intake = HandOffIntake(
                engine=self.handoff_engine,
                hands_off=hands_off,
                doorbell=doorbell,
                clock=self.clock,
            )
        return create_wsgi_app(
            self.bolt_app(),
            partial(ping, self.engine),
            self.settings.slack_signing_secret or "",
            intake,
        )

    def handoff_worker(self, doorbell: Doorbell) -> HandOffWorker:
        """The worker that does the work of requests the web process handed off."""
        return HandOffWorker(
            self.bolt_app(worker=True),
            engine=self.handoff_engine,
            doorbell=doorbell,
            clock=self.clock,
        )

    @cached_property
    def handoff_engine(self) -> Engine:
        """Where requests handed to the worker are kept (`queue_engine_for`)."""
        return queue_engine_for(self.engine)

    def tick_dependencies(self) -> TickDependencies:
        """What the clock process's ticks need."""
        sender = make_web_client(
            self.settings.slack_bot_token, self.settings.slack_api_url, retry_connections=False
        )
        return TickDependencies(
            uow=partial(unit_of_work, self.session_factory),
            client=sender,
            settings=self.settings,
            pacer=Pacer(self.settings.send_rate_per_minute),
            exclusive=partial(tick_lock, self.engine),
        )
