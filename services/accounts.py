"""The account's own status (spec §2), declared once like every other status: every move is a
compare-and-set on the current status, from the closure steps, the desk and the purge."""

from enum import StrEnum

from models import AccountStatus
from services.statemachine import Edge, Machine


class AccountEvent(StrEnum):
    FREEZE = "FREEZE"
    CLOSE = "CLOSE"
    REOPEN = "REOPEN"
    PURGE = "PURGE"


A = AccountStatus
ACCOUNT = Machine[AccountStatus, AccountEvent](
    name="account",
    initial=A.ACTIVE,
    ended=frozenset({A.PURGED}),
    transitions={
        (A.ACTIVE, AccountEvent.FREEZE): Edge(A.CLOSING, "closure confirmed or held for review"),
        (A.CLOSING, AccountEvent.CLOSE): Edge(A.CLOSED, "the worker completed the closure"),
        (A.CLOSING, AccountEvent.REOPEN): Edge(A.ACTIVE, "restored, or a supervisor declined"),
        (A.CLOSED, AccountEvent.REOPEN): Edge(A.ACTIVE, "restored inside the window"),
        (A.CLOSED, AccountEvent.PURGE): Edge(A.PURGED, "the window passed, no legal hold"),
    },
)
