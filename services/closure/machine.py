"""The closure request's state machine, declared once (docs/flows.md shows the same diagram).

Every transition is a compare-and-set on the current state, written together with its
timeline step and its audit entry, inside the caller's transaction.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from models import ClosureRequest, ClosureState, ClosureStep
from services.records import audit
from services.runtime import Runtime
from services.statemachine import Edge, Machine

State = ClosureState


class Event(StrEnum):
    SEND_CODE = "SEND_CODE"
    VERIFY = "VERIFY"
    CONFIRM = "CONFIRM"
    HOLD_FOR_REVIEW = "HOLD_FOR_REVIEW"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    COMPLETE = "COMPLETE"
    CANCEL = "CANCEL"
    EXPIRE = "EXPIRE"
    RESTORE = "RESTORE"


ENDED = frozenset({State.CANCELLED, State.EXPIRED, State.REJECTED, State.RESTORED})

CLOSURE = Machine[State, Event](
    name="closure request",
    initial=State.STARTED,
    column="state",
    error_field="requestId",
    ended=ENDED,
    transitions={
        (State.STARTED, Event.SEND_CODE): Edge(State.CODE_SENT),
        (State.CODE_SENT, Event.SEND_CODE): Edge(State.CODE_SENT, "a new code"),
        (State.VERIFIED, Event.SEND_CODE): Edge(State.CODE_SENT, "verified over 10 min ago"),
        (State.CODE_SENT, Event.VERIFY): Edge(State.VERIFIED),
        (State.VERIFIED, Event.CONFIRM): Edge(State.CONFIRMED),
        (State.VERIFIED, Event.REJECT): Edge(State.REJECTED, "a blocker at confirmation"),
        (State.VERIFIED, Event.HOLD_FOR_REVIEW): Edge(State.UNDER_REVIEW, "a review rule fired"),
        (State.UNDER_REVIEW, Event.APPROVE): Edge(State.CONFIRMED, "a supervisor approved"),
        (State.UNDER_REVIEW, Event.REJECT): Edge(State.REJECTED, "a supervisor declined"),
        (State.UNDER_REVIEW, Event.RESTORE): Edge(State.RESTORED, "the owner, by SMS"),
        (State.CONFIRMED, Event.COMPLETE): Edge(State.COMPLETED),
        (State.STARTED, Event.CANCEL): Edge(State.CANCELLED),
        (State.CODE_SENT, Event.CANCEL): Edge(State.CANCELLED),
        (State.VERIFIED, Event.CANCEL): Edge(State.CANCELLED),
        (State.STARTED, Event.EXPIRE): Edge(State.EXPIRED, "30 min unconfirmed"),
        (State.CODE_SENT, Event.EXPIRE): Edge(State.EXPIRED, "30 min unconfirmed"),
        (State.VERIFIED, Event.EXPIRE): Edge(State.EXPIRED, "30 min unconfirmed"),
        (State.CONFIRMED, Event.RESTORE): Edge(State.RESTORED, "the owner, by SMS"),
        (State.COMPLETED, Event.RESTORE): Edge(State.RESTORED, "inside the window"),
    },
)
TRANSITIONS = CLOSURE.transitions

# Requests the customer can still move forward (the ones that block starting another).
OPEN = frozenset(
    {State.STARTED, State.CODE_SENT, State.VERIFIED, State.UNDER_REVIEW, State.CONFIRMED}
)
# Requests that expire when not confirmed in time.
EXPIRING = frozenset(CLOSURE.sources(Event.EXPIRE))


def require(request: ClosureRequest, event: Event) -> None:
    """INVALID_STATE unless the request may take `event` now."""
    CLOSURE.target(request.state, event)


async def apply(
    rt: Runtime, request: ClosureRequest, event: Event, *, at: datetime, **changes: Any
) -> ClosureRequest:
    """Move the request; INVALID_STATE if it may not, or if another request moved it first."""
    if CLOSURE.target(request.state, event) in ENDED:
        changes["ended_at"] = at
    target = await CLOSURE.move(request, event, **changes)
    await ClosureStep.create(request_id=request.id, state=target, at=at)
    await audit.closure_moved(
        rt, account_id=request.account_id, request_id=request.id, state=target.value, at=at
    )
    return request


def mermaid() -> str:
    """The table as a mermaid state diagram; docs/flows.md shows exactly this."""
    return CLOSURE.mermaid()
