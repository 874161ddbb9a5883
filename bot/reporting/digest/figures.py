"""The figures of a programme's steering-group digest, as plain frozen dataclasses.

`bot.reporting.digest.gather.digest_figures` computes all of them for one programme (optionally
some of its cohorts) as of `now`, with a fixed number of SQL statements whatever the number of
participants or cohorts.
Nothing here names an individual: every figure is a count. Equality data (gender, ethnicity) and
the other diversity breakdowns are only ever published through `bot.core.disclosure`.

Words used throughout:

- *participant*: an enrolment with status enrolled or completed (they took up their place);
- *enrolled now*: status enrolled; *enrolled ever*: every enrolment that was ever given a place
  (`enrolled_at` set, or status enrolled/completed), whatever happened to it later;
- *held*: a session that is scheduled (not cancelled) and has ended by `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.disclosure import Breakdown
from bot.core.ratio import Ratio
from bot.evaluations.confidence import ConfidenceChange
from bot.evaluations.results import ResponseRate
from db.enums import Level, OutcomeKind, Readiness, SessionKind

LOW_ATTENDANCE_PERCENT = 70
LOW_RESPONSE_PERCENT = 50
UPCOMING_DAYS = 14


@dataclass(frozen=True)
class Headline:
    """The digest's first lines: the programme (or the chosen cohorts) at a glance."""

    enrolled_now: int
    """Enrolments with status enrolled."""
    enrolled_ever: int
    """Enrolments ever given a place, including those since withdrawn, deferred or completed."""
    participants: int
    """Enrolments enrolled or completed: the denominator of coaching, assessments and outcomes."""
    sessions_held: int
    """Sessions held (scheduled, and ended by `now`)."""
    attendance: Ratio
    """Present of invited, over every session held."""
    coaching_commenced: Ratio
    """Participants enrolled now with at least one coaching session, of those enrolled now."""
    outcomes: Ratio
    """Participants with a confirmed new role (any outcome but leaving the service), of participants."""
    director_roles: int
    """Participants with a confirmed permanent, interim or acting director role."""
    assessed: Ratio
    """Participants with a graded final assessment, of participants."""


@dataclass(frozen=True)
class SessionAttendance:
    """Attendance at one session held (operational counts: never suppressed)."""

    session_id: int
    cohort_id: int
    title: str
    kind: SessionKind
    starts_at: datetime
    compulsory: bool
    invited: int
    replied: int
    """Invitations with an RSVP given (attending or not)."""
    attended: int
    """Marked present."""
    excused: int
    absent: int
    recorded: int
    """Invitations with attendance recorded (present, absent or excused)."""

    @property
    def rate(self) -> Ratio:
        """Attended of invited (excused people count as invited and not attended)."""
        return Ratio(self.attended, self.invited)

    @property
    def low(self) -> bool:
        """A compulsory session attended by fewer than LOW_ATTENDANCE_PERCENT of those invited."""
        return self.compulsory and self.rate.below(LOW_ATTENDANCE_PERCENT)


@dataclass(frozen=True)
class CoachingUptake:
    """One cohort's coaching, with the rule of `bot.coaching.allowance.risks` applied to each participant."""

    cohort_id: int
    enrolled: int
    """Participants enrolled now (the only ones whose coaching is still running)."""
    commenced: int
    """Of `enrolled`, those with at least one session logged."""
    used: int
    allowance: int
    """Sum of the allowances of `enrolled`."""
    at_risk: int
    """Of `enrolled`, how many look likely not to use their allowance in time."""
    not_started: int
    """Of `at_risk`: not started by the day coaching was due to begin."""
    behind: int
    """Of `at_risk`: more sessions left than the time left comfortably allows."""
    deadline_passed: int
    """Of `at_risk`: deadline passed with sessions unused."""

    @property
    def commenced_rate(self) -> Ratio:
        """Commenced of enrolled."""
        return Ratio(self.commenced, self.enrolled)

    @property
    def used_rate(self) -> Ratio:
        """Sessions used of the allowance."""
        return Ratio(self.used, self.allowance)


@dataclass(frozen=True)
class CohortFigures:
    """One cohort: its attendance session by session, and its coaching uptake."""

    cohort_id: int
    label: str
    """'Programme / Cohort'."""
    start_date: date | None
    enrolled: int
    """Enrolled now."""
    sessions: tuple[SessionAttendance, ...]
    """Sessions held (since `since`, when given), oldest first."""
    coaching: CoachingUptake


@dataclass(frozen=True)
class EvaluationFigures:
    """Evaluation results of the cohorts in scope, from `bot.evaluations.results` and `bot.evaluations.commitments`.

    Shares (and commitments) are None where fewer than `bot.evaluations.results.MIN_GROUP` people
    answered; response rates are operational and always given.
    """

    response_rates: tuple[ResponseRate, ...]
    responses: int
    """Workshop evaluations answered."""
    excellent_or_good: Ratio | None
    objectives_met: Ratio | None
    commitments_by_category: Mapping[str, int] | None
    confidence_change: tuple[ConfidenceChange, ...]
    """Baseline against end-of-programme confidence, per question (`bot.evaluations.confidence`)."""
    follow_up: Mapping[str, int] | None
    """Answers to the 30- and 90-day commitment follow-ups, keyed like '30_partly' or
    '90_no_answer' (`bot.evaluations.commitments.follow_up_summary`)."""


@dataclass(frozen=True)
class AssessmentFigures:
    """Final assessments, from each participant's latest assessment row."""

    participants: int
    assessed: int
    """Participants whose latest row is graded."""
    did_not_attend: int
    """Participants whose latest row records that they could not attend."""
    not_yet_assessed_after_date: int
    """Participants with no row at all whose cohort's assessment session has ended."""
    not_yet_assessed_by_cohort: Mapping[int, int]
    """`not_yet_assessed_after_date` by cohort id (cohorts with none left out)."""
    readiness: Mapping[Readiness, int]
    """Every Readiness, in enum order, with its count (0 included)."""
    talent_map: Mapping[str, Mapping[Readiness, str]]
    """Region (or 'Not recorded') → readiness → count as published ('*' or rounded), regions
    alphabetically (see `assessment_figures.disclose_talent_map`)."""
    nine_box: Mapping[tuple[Level, Level], int]
    """(performance, potential) → count, all nine boxes present."""


@dataclass(frozen=True)
class OutcomeFigures:
    """Confirmed career outcomes of participants (operational counts: never suppressed)."""

    by_kind: Mapping[OutcomeKind, int]
    """Every OutcomeKind, in enum order, with how many participants have a confirmed one."""
    participants: int
    with_new_role: int
    """Participants with any confirmed outcome other than leaving the service."""
    in_director_role: int
    """Participants with a confirmed permanent, interim or acting director role."""
    awaiting_confirmation: int
    """Outcomes reported but not yet confirmed by a coordinator (not counted above)."""

    @property
    def share(self) -> Ratio:
        """Participants with a new role, of participants."""
        return Ratio(self.with_new_role, self.participants)


@dataclass(frozen=True)
class DiversityTable:
    """Applicants and participants by one characteristic, each disclosed as a breakdown."""

    dimension: str
    """'ethnicity', 'gender', 'region' or 'organisation_type'."""
    title: str
    categories: tuple[str, ...]
    """Row order: categories alphabetically, then 'Not stated' last."""
    applicants: Breakdown
    participants: Breakdown


@dataclass(frozen=True)
class DiversityFigures:
    """Programme-level diversity (never per cohort), every cell through `disclose_breakdown`."""

    tables: tuple[DiversityTable, ...]
    applicants_total: str
    """The disclosed number of applicants (people)."""
    participants_total: str
    """The disclosed number of participants."""


@dataclass(frozen=True)
class UpcomingSession:
    """A session in the next UPCOMING_DAYS days."""

    session_id: int
    cohort_id: int
    cohort_label: str
    title: str
    kind: SessionKind
    starts_at: datetime
    compulsory: bool
    invited: int
    replied_yes: int
    ends_at: datetime | None = None
    all_day: bool = False


@dataclass(frozen=True)
class SuggestedAction:
    """Something the steering group may want to do; names no individual."""

    kind: str
    """A stable key (see `bot.reporting.digest.actions.ActionKind`)."""
    text: str
    """One plain-text sentence, UK English (no mrkdwn; escape before rendering)."""
    cohort_id: int | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class HeadlineChange:
    """One headline figure compared with the last digest's snapshot."""

    key: str
    label: str
    now: str
    """The figure as published now."""
    before: str | None
    """As published last time; None when there is no earlier snapshot with it."""
    change: str
    """'+3', '-1', 'no change', '*' (cannot be shown) or 'new'."""


@dataclass(frozen=True)
class DigestFigures:
    """Everything the digest reports for one programme as of `now`."""

    programme_id: int
    programme_name: str
    cohort_ids: tuple[int, ...] | None
    """The cohorts asked for; None means the whole programme."""
    now: datetime
    today: date
    """`now`'s date in the programme's time zone."""
    week_of: date
    """Monday of `today`'s week: the key of this digest's DigestSnapshot."""
    since: date | None
    headline: Headline
    cohorts: tuple[CohortFigures, ...]
    """By start date, then name."""
    evaluations: EvaluationFigures | None
    """Always given now; typed optional so a digest without evaluations can still be built."""
    assessments: AssessmentFigures
    outcomes: OutcomeFigures
    diversity: DiversityFigures | None
    """None when restricted to some cohorts: diversity is published at programme level only."""
    upcoming: tuple[UpcomingSession, ...]
    """Sessions starting in the next UPCOMING_DAYS days, soonest first."""
    actions: tuple[SuggestedAction, ...]
    changes: tuple[HeadlineChange, ...]
    """Against the previous DigestSnapshot; empty when there is none."""
