"""The closure request's state machine, declared once (the README shows the same diagram).

Every transition is a compare-and-set on the current state, written together with its
timeline step and its audit entry, inside the caller's transaction.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from models import ClosureRequest, ClosureState, ClosureStep
from services.errors import DomainError, ErrorCode
from services.records import audit
from services.runtime import Runtime

State = ClosureState


class Event(StrEnum):
    SEND_CODE = "SEND_CODE"
    VERIFY = "VERIFY"
    CONFIRM = "CONFIRM"
    HOLD_FOR_REVIEW = "HOLD_FOR_REVIEW"  # the customer confirmed, and a review rule fired
    APPROVE = "APPROVE"  # a supervisor let the held request go on to completion
    REJECT = "REJECT"  # a blocker at confirmation, or a supervisor after review
    COMPLETE = "COMPLETE"
    CANCEL = "CANCEL"
    EXPIRE = "EXPIRE"
    RESTORE = "RESTORE"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.STARTED, Event.SEND_CODE): State.CODE_SENT,
    (State.CODE_SENT, Event.SEND_CODE): State.CODE_SENT,
    (State.VERIFIED, Event.SEND_CODE): State.CODE_SENT,  # verified too long ago: verify again
    (State.CODE_SENT, Event.VERIFY): State.VERIFIED,
    (State.VERIFIED, Event.CONFIRM): State.CONFIRMED,
    (State.VERIFIED, Event.REJECT): State.REJECTED,
    (State.VERIFIED, Event.HOLD_FOR_REVIEW): State.UNDER_REVIEW,
    (State.UNDER_REVIEW, Event.APPROVE): State.CONFIRMED,
    (State.UNDER_REVIEW, Event.REJECT): State.REJECTED,
    (State.CONFIRMED, Event.COMPLETE): State.COMPLETED,
    (State.STARTED, Event.CANCEL): State.CANCELLED,
    (State.CODE_SENT, Event.CANCEL): State.CANCELLED,
    (State.VERIFIED, Event.CANCEL): State.CANCELLED,
    (State.STARTED, Event.EXPIRE): State.EXPIRED,
    (State.CODE_SENT, Event.EXPIRE): State.EXPIRED,
    (State.VERIFIED, Event.EXPIRE): State.EXPIRED,
    (State.UNDER_REVIEW, Event.RESTORE): State.RESTORED,
    (State.CONFIRMED, Event.RESTORE): State.RESTORED,
    (State.COMPLETED, Event.RESTORE): State.RESTORED,
}

# Requests the customer can still move forward (the ones that block starting another).
OPEN = frozenset({State.STARTED, State.CODE_SENT, State.VERIFIED, State.UNDER_REVIEW,
                  State.CONFIRMED})
ENDED = frozenset({State.CANCELLED, State.EXPIRED, State.REJECTED, State.RESTORED})
# Requests that expire when not confirmed in time.
EXPIRING = frozenset(state for state, event in TRANSITIONS if event == Event.EXPIRE)


def allows(state: State, event: Event) -> bool:
    return (state, event) in TRANSITIONS


def require(request: ClosureRequest, event: Event) -> None:
    """INVALID_STATE unless the request may take `event` now."""
    if not allows(request.state, event):
        raise DomainError(ErrorCode.INVALID_STATE, field="requestId", state=request.state.value)


async def apply(rt: Runtime, request: ClosureRequest, event: Event, *, at: datetime,
                **changes: Any) -> ClosureRequest:
    """Move the request; INVALID_STATE if it may not, or if another request moved it first."""
    require(request, event)
    source, target = request.state, TRANSITIONS[(request.state, event)]
    if target in ENDED:
        changes["ended_at"] = at
    moved = await ClosureRequest.filter(id=request.id, state=source).update(state=target, **changes)
    if not moved:
        raise DomainError(ErrorCode.INVALID_STATE, field="requestId", state=source.value)
    await ClosureStep.create(request_id=request.id, state=target, at=at)
    await audit.closure_moved(rt, account_id=request.account_id, request_id=request.id,
                              state=target.value, at=at)
    request.state = target
    for name, value in changes.items():
        setattr(request, name, value)
    return request


def mermaid() -> str:
    """The table as a mermaid state diagram; the README shows exactly this."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.STARTED}"]
    lines += [f"    {source} --> {target}: {event}"
              for (source, event), target in TRANSITIONS.items()]
    lines += [f"    {state} --> [*]" for state in sorted(ENDED)]
    return "\n".join(lines)
