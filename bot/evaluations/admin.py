"""Coordinators' evaluation tools behind `/cohort evaluations`: results, opening and closing by hand,
and the CSV export. Plain functions over the database; Slack only shows what they return.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.core import outbox
from bot.core.anonymity import MIN_GROUP
from bot.core.audit import record_change, record_read
from bot.core.errors import CohortbotError, InvalidInput, NotFound
from bot.core.mrkdwn import shorten
from bot.core.notice import Notice
from bot.core.render import render
from bot.core.tables import to_csv
from bot.evaluations.commitments import FollowUpResults, follow_up_results
from bot.evaluations.confidence import ConfidenceChange, confidence_change
from bot.evaluations.export import response_table
from bot.evaluations.forms import latest_form
from bot.evaluations.requests import ASKED_STATUSES, attendees, close_requests, open_requests
from bot.evaluations.results import (
    FreeText,
    Headlines,
    QuestionResult,
    ResponseRate,
    commitments_by_category,
    distribution,
    free_text_answers,
    headline_figures,
    response_rates,
)
from bot.programmes.programmes import (
    cohort_label,
    find_programme,
    find_session,
    only_cohort,
    resolve_cohort,
)
from db.enums import EvaluationRequestState
from db.models import (
    Cohort,
    Enrolment,
    EvaluationForm,
    EvaluationRequest,
    Person,
    Programme,
    ProgrammeSession,
)

Target = ProgrammeSession | Cohort


def find_target(session: Session, words: Sequence[str]) -> Target:
    """A session by its id ('12' or '#12'), a cohort by name, or the only cohort.

    A bare number is a session id when there is such a session; otherwise it may be a
    cohort's name (cohorts are often called by their year).
    """
    if not words:
        return only_cohort(session)
    if len(words) == 1 and is_session_id(words[0]):
        try:
            return find_session(session, words[0])
        except NotFound:
            if words[0].strip().startswith("#"):
                raise
            try:
                return resolve_cohort(session, words)
            except CohortbotError:
                pass
            raise
    return resolve_cohort(session, words)


def is_session_id(word: str) -> bool:
    """Whether `word` names a session by its id."""
    return word.strip().lstrip("#").isdigit()


def known_form(session: Session, key: str) -> EvaluationForm:
    """The newest version of the form `key`, or `InvalidInput` listing the forms there are."""
    keys = list(session.scalars(select(EvaluationForm.key).distinct().order_by(EvaluationForm.key)))
    if key not in keys:
        known = ", ".join(keys) if keys else "none yet"
        raise InvalidInput(f"There is no evaluation form called '{shorten(key)}'. Forms: {known}.")
    return latest_form(session, key)


def form_keys(session: Session) -> set[str]:
    """Every form key there is."""
    return set(session.scalars(select(EvaluationForm.key).distinct()))


def _where(target: Target) -> str:
    if isinstance(target, ProgrammeSession):
        return f"session #{target.id} ({target.title})"
    return cohort_label(target)


def _cohort_of(target: Target) -> Cohort:
    return target.cohort if isinstance(target, ProgrammeSession) else target


@dataclass(frozen=True)
class CohortResults:
    """A cohort's evaluations at a glance."""

    label: str
    timezone: ZoneInfo
    rates: list[ResponseRate]
    headlines: Headlines
    commitments: dict[str, int] | None
    confidence: list[ConfidenceChange]
    follow_ups: FollowUpResults
    # How many cohorts the figures cover: more than one for a programme-wide view.
    cohorts: int = 1


def cohort_results(session: Session, cohort: Cohort, now: datetime) -> CohortResults:
    """Live response rates and the cohort's headline figures."""
    return _results(session, cohort_label(cohort), cohort.programme, [cohort.id], now)


def programme_results(session: Session, programme: Programme, now: datetime) -> CohortResults:
    """The same across every cohort of a programme: rates, headline figures, commitments."""
    cohort_ids = [cohort.id for cohort in programme.cohorts]
    return _results(session, programme.name, programme, cohort_ids, now)


def _results(
    session: Session, label: str, programme: Programme, cohort_ids: list[int], now: datetime
) -> CohortResults:
    return CohortResults(
        label=label,
        timezone=ZoneInfo(programme.timezone),
        rates=response_rates(session, cohort_ids=cohort_ids, now=now),
        headlines=headline_figures(session, cohort_ids=cohort_ids),
        commitments=commitments_by_category(session, cohort_ids=cohort_ids),
        confidence=confidence_change(session, cohort_ids=cohort_ids),
        follow_ups=follow_up_results(session, cohort_ids=cohort_ids),
        cohorts=len(cohort_ids),
    )


def find_results_target(session: Session, words: Sequence[str]) -> Target | Programme:
    """What `/cohort evaluations` shows: a session, a cohort, or a whole programme by its name.

    A name that is a programme's (and no cohort's) with other than one cohort is the programme.
    """
    if len(words) == 1 and not is_session_id(words[0]):
        name = words[0].strip().casefold()
        cohort_names = {c.casefold() for c in session.scalars(select(Cohort.name))}
        try:
            programme = find_programme(session, words[0])
        except NotFound:
            programme = None
        if programme is not None and name not in cohort_names and len(programme.cohorts) != 1:
            return programme
    return find_target(session, words)


@dataclass(frozen=True)
class FormResults:
    """One form's results for one session."""

    rate: ResponseRate
    anonymous: bool
    questions: list[QuestionResult]
    free_text: list[FreeText]


@dataclass(frozen=True)
class SessionResults:
    """A session's forms, each with its response rate, distributions and (once closed) free text."""

    session_id: int
    title: str
    starts_at: datetime
    label: str
    timezone: ZoneInfo
    forms: list[FormResults]


def session_results(
    session: Session, programme_session: ProgrammeSession, now: datetime, rng: random.Random
) -> SessionResults:
    """What the forms sent about `programme_session` say so far."""
    forms = []
    for rate in response_rates(session, session_id=programme_session.id, now=now):
        key, session_id = rate.form_key, programme_session.id
        forms.append(
            FormResults(
                rate=rate,
                anonymous=latest_form(session, key).anonymous,
                questions=distribution(session, form_key=key, session_id=session_id),
                free_text=free_text_answers(
                    session, form_key=key, session_id=session_id, rng=rng, now=now
                ),
            )
        )
    cohort = programme_session.cohort
    return SessionResults(
        session_id=programme_session.id,
        title=programme_session.title,
        starts_at=programme_session.starts_at,
        label=cohort_label(cohort),
        timezone=ZoneInfo(cohort.programme.timezone),
        forms=forms,
    )


@dataclass(frozen=True)
class Opened:
    """What opening a form by hand did: how many were asked, out of how many it was for."""

    form_title: str
    where: str
    asked: int
    eligible: int
    is_session: bool


def open_by_hand(
    session: Session, *, form_key: str, target: Target, actor: str, now: datetime
) -> Opened:
    """Ask a session's attendees (or a cohort's participants) to complete a form now; audited."""
    form = known_form(session, form_key)
    if isinstance(target, ProgrammeSession):
        eligible = attendees(session, target)
        programme_session: ProgrammeSession | None = target
    else:
        eligible = list(
            session.scalars(
                select(Enrolment)
                .join(Enrolment.person)
                .where(
                    Enrolment.cohort_id == target.id,
                    Enrolment.status.in_(ASKED_STATUSES),
                    Person.slack_user_id.is_not(None),
                )
                .order_by(Enrolment.id)
                .options(joinedload(Enrolment.person))
            )
        )
        programme_session = None
    asked = open_requests(
        session,
        form=form,
        cohort=_cohort_of(target),
        enrolments=eligible,
        now=now,
        programme_session=programme_session,
    )
    opened = Opened(
        form.title, _where(target), asked, len(eligible), is_session=programme_session is not None
    )
    after = {"where": opened.where, "asked": asked}
    record_change(
        session,
        actor=actor,
        action="evaluation.open",
        entity=form,
        before=None,
        after=after,
        now=now,
    )
    return opened


@dataclass(frozen=True)
class Closed:
    """What closing a form by hand did."""

    form_title: str
    where: str
    closed: int


def close_by_hand(
    session: Session, *, form_key: str, target: Target, actor: str, now: datetime
) -> Closed:
    """Close a form for a session, or everywhere in a cohort (how many were still open); audited."""
    form = known_form(session, form_key)
    stmt = (
        select(EvaluationRequest.form_id, EvaluationRequest.session_id)
        .join(EvaluationRequest.form)
        .where(
            EvaluationForm.key == form.key,
            EvaluationRequest.cohort_id == _cohort_of(target).id,
            EvaluationRequest.state == EvaluationRequestState.OPEN,
        )
        .distinct()
    )
    if isinstance(target, ProgrammeSession):
        stmt = stmt.where(EvaluationRequest.session_id == target.id)
    closed = sum(
        close_requests(
            session,
            form_id=form_id,
            cohort_id=_cohort_of(target).id,
            session_id=session_id,
            now=now,
        )
        for form_id, session_id in session.execute(stmt).all()
    )
    after = {"where": _where(target), "closed": closed}
    record_change(
        session,
        actor=actor,
        action="evaluation.close",
        entity=form,
        before=None,
        after=after,
        now=now,
    )
    return Closed(form.title, _where(target), closed)


def export_scope(session: Session, words: Sequence[str]) -> tuple[str | None, Cohort | None]:
    """The form key (None: every form) and cohort (None: all) in `export [<form>] [<cohort>]`."""
    if not words:
        return None, None
    if words[0] in form_keys(session):
        return words[0], resolve_cohort(session, words[1:]) if words[1:] else None
    try:
        return None, resolve_cohort(session, words)
    except (NotFound, InvalidInput):
        # Neither a form nor a cohort: a mistyped form key is the likelier slip.
        known_form(session, words[0])
        raise


@dataclass(frozen=True)
class Export:
    """What an export sent: how many rows, of which form, from where."""

    rows: int
    form_key: str | None
    # The cohort's label; None for every cohort.
    where: str | None
    # Whether an anonymous form is among those exported (some of its rows may be held back).
    anonymous: bool


def export_responses(
    session: Session,
    *,
    recipient: str,
    form_key: str | None,
    cohort: Cohort | None,
    now: datetime,
    request_key: str,
) -> Export:
    """Owe `recipient` a DM with the responses as CSV (nothing when there are no rows)."""
    forms = (
        [known_form(session, form_key)]
        if form_key
        else list(session.scalars(select(EvaluationForm)))
    )
    table = response_table(
        session, cohort_id=cohort.id if cohort else None, form_key=form_key, now=now
    )
    export = Export(
        rows=len(table.rows),
        form_key=form_key,
        where=cohort_label(cohort) if cohort else None,
        anonymous=any(form.anonymous for form in forms),
    )
    record_read(
        session,
        actor=recipient,
        what="evaluation_export",
        scope=f"cohort:{cohort.id}" if cohort else "all",
        rows=export.rows,
        now=now,
    )
    if not table.rows:
        return export
    stamp = now.strftime("%Y%m%d-%H%M")
    sent = outbox.enqueue(
        session,
        recipient=recipient,
        kind="evaluation_export",
        message=Notice(render("evaluations/results_export_file.j2", e=export, min_group=MIN_GROUP)),
        due_at=now,
        idempotency_key=f"evaluation-export:{recipient}:{now.isoformat()}:{request_key}",
        attachments=[
            outbox.Attachment(
                filename=f"evaluations-{form_key or 'all'}-{stamp}.csv",
                title=f"Evaluation responses: {form_key or 'all forms'}, {export.where or 'all cohorts'}",
                content=to_csv(table),
            )
        ],
    )
    if sent is not None:
        # Personal data leaving the bot: who took which responses, and how many.
        after = {"form": form_key, "cohort": export.where, "rows": export.rows}
        record_change(
            session,
            actor=recipient,
            action="evaluation.export",
            entity=sent,
            before=None,
            after=after,
            now=now,
        )
    return export
