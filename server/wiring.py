"""Builds the outside world once from settings: clock, secrets, SMS gateway, worker."""

from server.settings import Settings
from services.clock import Clock, SystemClock
from services.runtime import Runtime
from services.sms import ConsoleSms, FileSms, SmsSender, WebhookSms


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
        return WebhookSms(str(settings.sms_webhook_url))
    return ConsoleSms()
