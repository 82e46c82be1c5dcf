"""The background worker, in `serve` or alone as `wallet-closure worker`: independent lanes
(closure jobs, payouts, exports, one-time codes, notices), each its own loop, so that none
waits for another's slow outside call."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
    run: Callable[[], Awaitable[int]]


class Worker:
    def __init__(self, runtime: Runtime, sms: SmsSender, bank: PayoutGateway,
                 interval_seconds: float, *, sms_in_flight: int = 16,
                 code_sms: SmsSender | None = None) -> None:
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

    def lanes(self) -> list[Job]:
        rt = self.runtime

        async def closure() -> int:
            done = 0
            for job in (jobs.expire_due, jobs.complete_due, jobs.remind_due, jobs.purge_due,
                        codes.forget_old):
                done += await job(rt)
            return done

        def sms(lane: Lane) -> Callable[[], Awaitable[int]]:
            return lambda: outbox.deliver_due(rt, self.senders[lane], lane=lane,
                                              in_flight=self.sms_in_flight)

        return [Job("codes", sms(Lane.CODES)), Job("notices", sms(Lane.NOTICES)),
                Job("closure", closure), Job("payouts", lambda: payouts.run(rt, self.bank)),
                Job("exports", lambda: exports.build_due(rt))]

    async def run_once(self) -> int:
        """Every lane once, in an order where what one queues the next delivers: the
        closure jobs' notices go out in this same pass, and a purge then waits for nothing
        but the SMS still on its way to the phone it erases."""
        rt = self.runtime
        done = 0
        for job in (jobs.expire_due, jobs.complete_due, jobs.remind_due, exports.build_due,
                    codes.forget_old):
            done += await job(rt)
        done += await payouts.run(rt, self.bank)
        done += await outbox.deliver_due(rt, self.sms, in_flight=self.sms_in_flight)
        return done + await jobs.purge_due(rt)

    async def run_forever(self) -> None:
        await asyncio.gather(*(self._loop(job) for job in self.lanes()))

    async def _loop(self, job: Job) -> None:
        wake = self._wake.setdefault(job.name, asyncio.Event())
        while True:
            try:
                done = await job.run()
            except Exception:  # the lane outlives a bad pass; the next one retries
                log.exception("worker lane %s failed", job.name)
                done = 0
            if done:  # a pass takes one batch: there may be more behind it, look again now
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.interval)
            wake.clear()
