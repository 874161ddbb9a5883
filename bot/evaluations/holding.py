"""Anonymous answers held back until their group can hide them, then released in shuffled batches.

The threat: someone who can read the database (a DBA, a backup, a leaked dump). The completion
record (`EvaluationRequest`) names who has answered in each group (form, cohort and session, or
milestone), because reminders and refusing a second response need it. An anonymous answer
stored in `evaluation_response` carries the same group. So if a group's answers appeared one by
one, a reader could match them to the one or two people who had completed; even later, an answer
arriving after the others could be matched by its date, its insertion order (SQLite's rowid,
PostgreSQL's physical order) or by comparing two backups.

The design: an anonymous response is never written to `evaluation_response` as it is sent.
It goes, in the same transaction that marks the request completed, into `evaluation_held_answer`:
a random id, a keyed hash of the group, and the answers sealed with AES-GCM under a key derived
from the bot's Slack secret (never stored in the database). That row has no form, cohort,
session, person, time or sequence, and its content cannot be read without the key; a reader can
tell at most that *some* group has *some* held answer, which the completion records say anyway.

When a completion brings a group's held answers to `MIN_GROUP` (5), the same transaction
releases them all at once: decrypted, put in a canonical order (by content, so arrival order is
forgotten), shuffled, and inserted as new responses with fresh random ids, one date for the
whole batch (the day of the release, in the programme's time zone) and no time. Held rows are
deleted. So every anonymous row in the answers table arrived in a batch of at least 5: its id,
date and position say only which batch it is in, and every batch holds the answers of at least 5
people (those who completed since the previous batch), also for a reader comparing backups taken
before and after any completion.

Answers beyond the last batch stay held (sealed) until 5 more have come; a group that closes
with fewer than 5 held answers never releases them, so they never count in results. That is the
price of the guarantee: releasing a remainder of 1 to 4 would let a reader comparing two backups
single those people out. Results then count released responses exactly as before (anonymous
ones once nobody in the group can still answer: `scope.released`).

Concurrent fifth completions on PostgreSQL: the held rows are locked as they are read, so a
second transaction waits and then sees only what the first did not release. Changing the Slack
secret makes answers still held unreadable; they are then left out of every result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.anonymity import MIN_GROUP
from bot.core.errors import CohortbotError
from bot.programmes.programmes import programme_zone
from db.models import (
    EvaluationAnswer,
    EvaluationHeldAnswer,
    EvaluationRequest,
    EvaluationResponse,
    new_response_id,
)

_KEY_LABEL = b"cohortbot evaluation answer hold v1"
_NONCE_BYTES = 12

# One stored answer: (question id, number, text, choices).
StoredAnswer = tuple[int, int | None, str | None, list[Any] | None]


@dataclass(frozen=True, repr=False)
class HoldKey:
    """The secret that seals held answers and tags their group; never stored or logged."""

    secret: bytes

    @classmethod
    def derive(cls, bot_secret: str | None) -> HoldKey:
        """The hold key derived from the bot's Slack secret (signing secret or app token)."""
        if not bot_secret:
            raise CohortbotError(
                "Anonymous answers cannot be kept safely until SLACK_SIGNING_SECRET is set; "
                "nothing was stored. Please tell a coordinator."
            )
        return cls(hmac.new(bot_secret.encode(), _KEY_LABEL, hashlib.sha256).digest())

    def tag(self, form_id: int, cohort_id: int, session_id: int | None) -> str:
        """The keyed hash naming a group, so only the bot can find its held answers."""
        group = f"group:{form_id}:{cohort_id}:{session_id if session_id is not None else '-'}"
        return hmac.new(self.secret, group.encode(), hashlib.sha256).hexdigest()

    def seal(self, answers: Sequence[StoredAnswer], tag: str) -> bytes:
        """The answers encrypted and authenticated, bound to their group's tag."""
        nonce = os.urandom(_NONCE_BYTES)
        plain = json.dumps(list(answers), separators=(",", ":")).encode()
        return nonce + AESGCM(self.secret).encrypt(nonce, plain, tag.encode())

    def open(self, sealed: bytes, tag: str) -> list[StoredAnswer] | None:
        """The answers sealed in `sealed`, or None if this key (or group) cannot open them."""
        try:
            plain = AESGCM(self.secret).decrypt(
                sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], tag.encode()
            )
        except InvalidTag:
            return None
        return [(int(q), n, t, c) for q, n, t, c in json.loads(plain)]


def hold_response(
    session: Session,
    request: EvaluationRequest,
    answers: Sequence[StoredAnswer],
    *,
    key: HoldKey,
    now: datetime,
    rng: random.Random | None = None,
) -> int:
    """Hold one anonymous response, releasing the group's batch if it now has enough; how many
    responses were released (0 while held)."""
    tag = key.tag(request.form_id, request.cohort_id, request.session_id)
    session.add(EvaluationHeldAnswer(group_tag=tag, sealed=key.seal(answers, tag)))
    session.flush()
    # Locked so that a concurrent completion in the same group waits, then sees only what this
    # transaction leaves held (PostgreSQL drops rows deleted meanwhile from a locking read).
    held = session.scalars(
        select(EvaluationHeldAnswer).where(EvaluationHeldAnswer.group_tag == tag).with_for_update()
    ).all()
    opened = [found for row in held if (found := key.open(row.sealed, tag)) is not None]
    if len(opened) < MIN_GROUP:
        return 0
    session.execute(
        delete(EvaluationHeldAnswer).where(EvaluationHeldAnswer.id.in_([row.id for row in held]))
    )
    _release(session, request, opened, now=now, rng=rng or random.SystemRandom())
    return len(opened)


def _release(
    session: Session,
    request: EvaluationRequest,
    batch: list[list[StoredAnswer]],
    *,
    now: datetime,
    rng: random.Random,
) -> None:
    # Sorted by content first, so that the shuffle alone decides the order, whatever order the
    # answers arrived or the database returned them in.
    batch.sort(key=lambda answers: json.dumps(answers))
    rng.shuffle(batch)
    released_on = now.astimezone(programme_zone(request.cohort)).date()
    for answers in batch:
        session.add(
            EvaluationResponse(
                id=new_response_id(),
                form_id=request.form_id,
                session_id=request.session_id,
                cohort_id=request.cohort_id,
                enrolment_id=None,
                submitted_on=released_on,
                submitted_at=None,
                answers=[
                    EvaluationAnswer(
                        question_id=question_id,
                        value_number=number,
                        value_text=text,
                        value_choices=choices,
                    )
                    for question_id, number, text, choices in answers
                ],
            )
        )
        # One at a time, so the rows are written (and laid out) in the shuffled order.
        session.flush()
