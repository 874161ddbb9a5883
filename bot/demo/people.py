"""The fictional people of the demo workspace: a coordinator, staff and a cohort of fifteen."""

from __future__ import annotations

from dataclasses import dataclass

# Roles as the bot names them (`/cohort role add @person <role>`).
COORDINATOR = "coordinator"
PARTICIPANT = "participant"
COACH = "coach"
FACILITATOR = "facilitator"
STEERING = "steering"


@dataclass(frozen=True)
class DemoPerson:
    """Someone in the demo workspace, and the part they play."""

    user_id: str
    handle: str
    real_name: str
    role: str
    organisation: str = "Northfield NHS Trust"
    tz: str = "Europe/London"

    @property
    def email(self) -> str:
        """A made-up address on a reserved domain."""
        return f"{self.handle}@example.nhs.uk"


STAFF = (
    DemoPerson("U0CHRIS", "chris", "Chris Morgan", COORDINATOR),
    DemoPerson("U0NADIA", "nadia", "Nadia Rahman", COACH),
    DemoPerson("U0OWEN", "owen", "Owen Price", COACH),
    DemoPerson("U0FAYE", "faye", "Faye Adeyemi", FACILITATOR),
    DemoPerson("U0STELLA", "stella", "Stella Hughes", STEERING),
    DemoPerson("U0BRIAN", "brian", "Brian Walsh", STEERING),
)

_ORGANISATIONS = (
    "Northfield NHS Trust",
    "Riverside Community Health",
    "Eastgate Hospitals",
    "Westmoor Mental Health Trust",
)
_PARTICIPANT_NAMES = (
    ("ada", "Ada Okafor"),
    ("ben", "Ben Carter"),
    ("chloe", "Chloe Evans"),
    ("dev", "Dev Sharma"),
    ("ella", "Ella Murphy"),
    ("femi", "Femi Balogun"),
    ("grace", "Grace Lin"),
    ("harry", "Harry Doyle"),
    ("isla", "Isla Campbell"),
    ("jamal", "Jamal Hussain"),
    ("kate", "Kate Nowak"),
    ("liam", "Liam O'Neill"),
    ("maya", "Maya Patel"),
    ("noor", "Noor Ali"),
    ("oscar", "Oscar Reid"),
)
PARTICIPANTS = tuple(
    DemoPerson(
        f"U0{handle.upper()}",
        handle,
        name,
        PARTICIPANT,
        organisation=_ORGANISATIONS[index % len(_ORGANISATIONS)],
    )
    for index, (handle, name) in enumerate(_PARTICIPANT_NAMES)
)
# In the workspace but in no cohort yet: someone for the coordinator to enrol.
NEWCOMERS = (DemoPerson("U0SAM", "sam", "Sam Taylor", PARTICIPANT),)

EVERYONE = (*STAFF, *PARTICIPANTS, *NEWCOMERS)
COORDINATOR_ID = STAFF[0].user_id
STEERING_CHANNEL = "C0STEERING"
STEERING_CHANNEL_NAME = "steering-group"
GENERAL_CHANNEL = "C0GENERAL"
