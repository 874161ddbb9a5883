"""Assembling the running parts from settings: database, Slack client, Bolt app, WSGI app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
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
from bot.slack.web import create_wsgi_app
from db.engine import create_engine_for, make_session_factory, ping, unit_of_work
from db.migrate import upgrade
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

    def bolt_app(self, *, socket_mode: bool = False) -> App:
        """The Bolt app with every listener."""
        return create_app(
            self.settings,
            session_factory=self.session_factory,
            client=self.client,
            register_listeners=handlers.register,
            clock=self.clock,
            socket_mode=socket_mode,
        )

    def wsgi_app(self) -> WSGIApplication:
        """The HTTP app: Slack's Request URL and /healthz."""
        return create_wsgi_app(self.bolt_app(), partial(ping, self.engine))

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
