"""The background worker: closure jobs, payouts, exports and the outbox; in `serve`, or
alone as `wallet-closure worker`."""

import asyncio
import contextlib
import logging

from services.closure import jobs
from services.identity import codes
from services.money import payouts
from services.money.payouts import PayoutGateway
from services.notify import outbox
from services.notify.sms import SmsSender
from services.records import exports
from services.runtime import Runtime

log = logging.getLogger("wallet.worker")


class Worker:
    def __init__(self, runtime: Runtime, sms: SmsSender, bank: PayoutGateway,
                 interval_seconds: float) -> None:
        self.runtime = runtime
        self.sms = sms
        self.bank = bank
        self.interval = interval_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for work now instead of at the next tick (a code was just queued)."""
        self._wake.set()

    async def run_once(self) -> int:
        """One pass over everything that is due; returns how much was done."""
        rt = self.runtime
        done = 0
        for job in (jobs.expire_due, jobs.complete_due, jobs.remind_due,
                    exports.build_due, codes.forget_old):
            done += await job(rt)
        done += await payouts.run(rt, self.bank)
        # What the jobs above queued goes out in this same pass; the purge then waits for
        # nothing but the SMS still on its way to the phone it erases.
        done += await outbox.deliver_due(rt, self.sms)
        return done + await jobs.purge_due(rt)

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the loop outlives a bad pass; the next one retries
                log.exception("worker pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
