"""The statuses of a request and the steps allowed between them: the one source.

reçue → en examen → acceptée or refusée → envoyée; « reçue » may also be decided at once.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """A request's status, as stored in the register and shown to staff."""

    RECEIVED = "reçue"
    IN_REVIEW = "en examen"
    ACCEPTED = "acceptée"
    REFUSED = "refusée"
    SENT = "envoyée"


STATUSES = tuple(status.value for status in Status)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED.value: (Status.IN_REVIEW.value, Status.ACCEPTED.value, Status.REFUSED.value),
    Status.IN_REVIEW.value: (Status.ACCEPTED.value, Status.REFUSED.value),
    Status.ACCEPTED.value: (Status.SENT.value,),
    Status.REFUSED.value: (),
    Status.SENT.value: (),
}
