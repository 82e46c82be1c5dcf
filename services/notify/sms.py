"""SMS gateways behind one interface: console, file (development) and webhook."""

import json
import logging
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import httpx

log = logging.getLogger("wallet.sms")


class SmsPurpose(StrEnum):
    LOGIN_CODE = "LOGIN_CODE"
    CLOSURE_CODE = "CLOSURE_CODE"
    RESTORE_CODE = "RESTORE_CODE"
    CLOSURE_CONFIRMED = "CLOSURE_CONFIRMED"
    CLOSURE_UNDER_REVIEW = "CLOSURE_UNDER_REVIEW"
    CLOSURE_REJECTED = "CLOSURE_REJECTED"
    CLOSURE_COMPLETED = "CLOSURE_COMPLETED"
    RECOVERY_ENDING = "RECOVERY_ENDING"
    ACCOUNT_RESTORED = "ACCOUNT_RESTORED"


@dataclass(frozen=True)
class Sms:
    id: int  # the outbox message's: the same for every attempt to send it
    to: str
    purpose: str
    text: str
    code: str | None = None


class SmsSender(Protocol):
    async def send(self, sms: Sms) -> None:
        """Deliver or raise; the outbox retries what raised."""


class ConsoleSms:
    async def send(self, sms: Sms) -> None:
        log.info("SMS to %s [%s]: %s", sms.to, sms.purpose, sms.text)


class FileSms:
    """One JSON object a line, like Django's file e-mail backend; development only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, sms: Sms) -> None:
        record = {k: v for k, v in asdict(sms).items() if v is not None and k != "id"}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


class WebhookSms:
    """POSTs each message as JSON to the SMS gateway; any non-2xx answer is a failure.

    Every attempt at one message carries the same `Idempotency-Key` (the message's id): a
    gateway that answered too late for us, and so is asked again, must send the SMS once."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        connections: int = 16,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._client = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    async def send(self, sms: Sms) -> None:
        body = {k: v for k, v in asdict(sms).items() if k != "id"}
        response = await self._client.post(
            self.url, json=body, headers={"Idempotency-Key": f"sms-{sms.id}"}
        )
        response.raise_for_status()

    async def aclose(self) -> None:
        await self._client.aclose()
