"""The background worker, in `serve` or alone as `wallet-closure worker`: independent lanes
(closure jobs, payouts, exports, one-time codes, notices), each its own loop, so that none
waits for another's slow outside call."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services import tracing
from services.closure import jobs
from services.identity import codes
from services.money import payouts
from services.money.payouts import PayoutGateway
from services.notify import outbox
from services.notify.outbox import Lane
from services.notify.sms import SmsSender
from services.records import exports
from services.runtime import Runtime

log = logging.getLogger("wallet.worker")


@dataclass(frozen=True)
class Job:
    name: str
    lane: str  # jobs of one lane run one after another in its own loop
    run: Callable[[], Awaitable[int]]


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        sms: SmsSender,
        bank: PayoutGateway,
        interval_seconds: float,
        *,
        sms_in_flight: int = 16,
        code_sms: SmsSender | None = None,
    ) -> None:
        """`code_sms`: the one-time codes' own way to the gateway (its own connections), so
        that a code never waits for a connection that a slow notice holds."""
        self.runtime = runtime
        self.sms = sms
        self.senders = {Lane.CODES: code_sms or sms, Lane.NOTICES: sms}
        self.bank = bank
        self.interval = interval_seconds
        self.sms_in_flight = sms_in_flight
        self._wake: dict[str, asyncio.Event] = {}

    def wake(self) -> None:
        """Look for work now instead of at the next tick (a code was just queued)."""
        for event in self._wake.values():
            event.set()

    def jobs(self) -> list[Job]:
        """Every job, declared once, in the order of a single pass: what one queues the next
        delivers (the closure jobs' notices go out in the same pass), and a purge then waits
        for nothing but the SMS still on its way to the phone it erases."""
        rt = self.runtime

        def sms(lane: Lane) -> Callable[[], Awaitable[int]]:
            return lambda: outbox.deliver_due(
                rt, self.senders[lane], lane=lane, in_flight=self.sms_in_flight
            )

        return [
            Job("expire requests", "closure", lambda: jobs.expire_due(rt)),
            Job("complete closures", "closure", lambda: jobs.complete_due(rt)),
            Job("recovery reminders", "closure", lambda: jobs.remind_due(rt)),
            Job("build exports", "exports", lambda: exports.build_due(rt)),
            Job("forget old codes", "closure", lambda: codes.forget_old(rt)),
            Job("payouts", "payouts", lambda: payouts.run(rt, self.bank)),
            Job("send codes", "codes", sms(Lane.CODES)),
            Job("send notices", "notices", sms(Lane.NOTICES)),
            Job("purge", "closure", lambda: jobs.purge_due(rt)),
        ]

    def lanes(self) -> dict[str, list[Job]]:
        lanes: dict[str, list[Job]] = {}
        for job in self.jobs():
            lanes.setdefault(job.lane, []).append(job)
        return lanes

    async def run_once(self) -> int:
        """Every job once, in order (tests and simulations step the worker with this)."""
        return sum([await self.run(job) for job in self.jobs()])

    @staticmethod
    async def run(job: Job) -> int:
        """One pass of a job, in its span: how much it did, the statements it sent, the
        calls it made to the gateways."""
        with tracing.span(f"job {job.name}", attributes={"wallet.job.lane": job.lane}) as span:
            done = await job.run()
            if span is not None:
                span.set_attribute("wallet.job.done", done)
            return done

    async def run_forever(self) -> None:
        await asyncio.gather(*(self._loop(lane, queue) for lane, queue in self.lanes().items()))

    async def _loop(self, lane: str, lane_jobs: list[Job]) -> None:
        wake = self._wake.setdefault(lane, asyncio.Event())
        while True:
            done = 0
            for job in lane_jobs:
                try:
                    done += await self.run(job)
                except Exception:  # the lane outlives a bad pass; the next one retries
                    log.exception("worker job %s failed", job.name)
            if done:  # a pass takes one batch: there may be more behind it, look again now
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.interval)
            wake.clear()
