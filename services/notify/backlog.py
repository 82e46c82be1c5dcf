"""What waits in the outbox: the figures /metrics shows."""

from dataclasses import dataclass

from models import OutboxMessage, OutboxStatus
from services.notify.outbox import Lane, in_lane
from services.runtime import Runtime


@dataclass(frozen=True)
class Backlog:
    waiting: dict[Lane, int]
    oldest_seconds: dict[Lane, float]
    expired: int


async def measure(rt: Runtime) -> Backlog:
    now = rt.clock.now()
    waiting, oldest = {}, {}
    for lane in Lane:
        pending = OutboxMessage.filter(in_lane(lane), status=OutboxStatus.PENDING)
        waiting[lane] = await pending.count()
        first = await pending.order_by("created_at").first()
        oldest[lane] = (now - first.created_at).total_seconds() if first else 0.0
    expired = await OutboxMessage.filter(status=OutboxStatus.EXPIRED).count()
    return Backlog(waiting, oldest, expired)
