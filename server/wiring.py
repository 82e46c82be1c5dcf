"""Builds the outside world once from settings: clock, secrets, SMS and payout gateways; and
checks the libraries' private parts the code uses are where they were."""

import logging
from datetime import timedelta

from server.settings import Settings
from server.worker import Worker
from services.clock import Clock, SystemClock
from services.money.payouts import PayoutGateway, SimulatedBank, WebhookBank
from services.notify.sms import ConsoleSms, FileSms, SmsSender, WebhookSms
from services.runtime import Runtime

log = logging.getLogger("wallet.sms")


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    return Runtime(
        clock=clock or SystemClock(),
        secret=settings.secret(),
        rules=settings.rules(),
        captcha_test_answer=None if settings.production else settings.captcha_test_answer,
    )


def build_sms(settings: Settings) -> SmsSender:
    if settings.sms_backend == "file":
        assert settings.sms_file is not None
        return FileSms(settings.sms_file)
    if settings.sms_backend == "webhook":
        return WebhookSms(str(settings.sms_webhook_url), connections=settings.sms_in_flight)
    log.warning(
        "SMS backend 'console': every SMS, codes included, is printed to this "
        "terminal (development only; production needs WALLET_SMS_BACKEND=webhook)"
    )
    return ConsoleSms()


CODE_CONNECTIONS = 4


def build_worker(settings: Settings, runtime: Runtime) -> Worker:
    """One-time codes reach a webhook gateway over connections of their own: notices that
    the gateway answers slowly hold every connection of theirs, never a code's."""
    codes = (
        WebhookSms(str(settings.sms_webhook_url), connections=CODE_CONNECTIONS)
        if (settings.sms_backend == "webhook")
        else None
    )
    return Worker(
        runtime,
        build_sms(settings),
        build_payouts(settings),
        settings.worker_interval_seconds,
        sms_in_flight=settings.sms_in_flight,
        code_sms=codes,
    )


def build_payouts(settings: Settings) -> PayoutGateway:
    if settings.payout_backend == "webhook":
        return WebhookBank(str(settings.payout_webhook_url), settings.payout_secret())
    return SimulatedBank(timedelta(seconds=settings.payout_settle_seconds))


def private_parts_moved() -> list[str]:
    """What of strawberry's, graphql-core's and Tortoise's private parts the code uses is no
    longer where it was (schema/strawberry_private.py, schema/graphql_private.py,
    services/tortoise_private.py), one line each: `serve` and `worker` refuse to start then."""
    # imported here, where they are checked: the other commands start without the schema
    from schema import graphql_private, strawberry_private
    from services import tortoise_private

    return [
        *strawberry_private.problems(),
        *graphql_private.problems(),
        *tortoise_private.problems(),
    ]
