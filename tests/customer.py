"""A customer going through the app's screens, one contract operation at a time."""

from dataclasses import dataclass
from typing import Any

from tests import factories
from tests.conftest import CAPTCHA_TEST_ANSWER
from tests.helpers import GraphQL
from tests.operations import (
    CANCEL_CLOSURE,
    CLOSURE_ELIGIBILITY,
    CLOSURE_REQUEST,
    CONFIRM_CLOSURE,
    CONFIRM_CLOSURE_WITH_RECEIPT,
    CREATE_CAPTCHA,
    LOGIN_WITH_PASSWORD,
    ME,
    RESTORE_ACCOUNT,
    SEND_CLOSURE_CODE,
    SEND_RESTORE_CODE,
    START_CLOSURE,
    VERIFY_CLOSURE_IDENTITY,
    WITHDRAW_BALANCE,
)


@dataclass
class Customer:
    api: GraphQL
    phone: str  # E.164
    token: str | None = None
    lang: str | None = None

    async def call(self, document: str, variables: dict[str, Any] | None = None) -> dict:
        (payload,) = (
            await self.api.data(document, variables, token=self.token, lang=self.lang)
        ).values()
        return payload

    async def log_in(self, password: str = factories.PASSWORD) -> dict:
        payload = await self.call(
            LOGIN_WITH_PASSWORD,
            {"input": {"phone": self.phone, "password": password, "deviceName": "test phone"}},
        )
        self.token = payload["token"] or self.token
        return payload

    async def captcha(self, purpose: str) -> str:
        return (await self.call(CREATE_CAPTCHA, {"purpose": purpose}))["captchaId"]

    async def eligibility(self) -> dict:
        return await self.call(CLOSURE_ELIGIBILITY)

    async def start(self, key: str = "key-1", reason: str = "NO_LONGER_USED") -> dict:
        return await self.call(
            START_CLOSURE, {"input": {"reason": reason, "comment": "", "idempotencyKey": key}}
        )

    async def send_code(self, request_id: str) -> dict:
        return await self.call(
            SEND_CLOSURE_CODE,
            {
                "input": {
                    "requestId": request_id,
                    "captchaId": await self.captcha("CLOSURE"),
                    "captchaAnswer": CAPTCHA_TEST_ANSWER,
                }
            },
        )

    async def verify(self, request_id: str, code: str | None = None) -> dict:
        code = code or await self.api.last_code(self.phone, "CLOSURE_CODE")
        return await self.call(
            VERIFY_CLOSURE_IDENTITY, {"input": {"requestId": request_id, "code": code}}
        )

    async def confirm(self, request_id: str, acknowledge: bool = True) -> dict:
        return await self.call(
            CONFIRM_CLOSURE,
            {"input": {"requestId": request_id, "acknowledgeIrreversible": acknowledge}},
        )

    async def cancel(self, request_id: str) -> dict:
        return await self.call(CANCEL_CLOSURE, {"input": {"requestId": request_id}})

    async def request(self, request_id: str) -> dict | None:
        return await self.call(CLOSURE_REQUEST, {"id": request_id})

    async def close(self) -> str:
        """Start, verify and confirm; returns the request id."""
        request_id = (await self.start())["request"]["id"]
        await self.send_code(request_id)
        await self.verify(request_id)
        confirmed = await self.confirm(request_id)
        assert confirmed["errors"] == [], confirmed
        return request_id

    async def close_with_receipt(self) -> tuple[str, dict]:
        """Start, verify and confirm as the third release's app does: (request id, receipt)."""
        request_id = (await self.start())["request"]["id"]
        await self.send_code(request_id)
        await self.verify(request_id)
        confirmed = await self.call(
            CONFIRM_CLOSURE_WITH_RECEIPT,
            {"input": {"requestId": request_id, "acknowledgeIrreversible": True}},
        )
        assert confirmed["errors"] == [], confirmed
        return request_id, confirmed["receipt"]

    async def me(self) -> dict:
        return await self.call(ME)

    async def withdraw(self, card_id: str, key: str = "w-1", fen: int | None = None) -> dict:
        variables = {"cardId": card_id, "idempotencyKey": key}
        if fen is not None:
            variables["fen"] = fen
        return await self.call(WITHDRAW_BALANCE, {"input": variables})

    async def send_restore_code(self) -> dict:
        return await self.call(
            SEND_RESTORE_CODE,
            {
                "input": {
                    "phone": self.phone,
                    "captchaId": await self.captcha("RESTORE"),
                    "captchaAnswer": CAPTCHA_TEST_ANSWER,
                }
            },
        )

    async def restore(self, code: str | None = None) -> dict:
        code = code or await self.api.last_code(self.phone, "RESTORE_CODE")
        payload = await self.call(
            RESTORE_ACCOUNT,
            {"input": {"phone": self.phone, "code": code, "deviceName": "restored phone"}},
        )
        self.token = payload["token"] or self.token
        return payload


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
