"""A support-desk user at the bank's console, one staff contract operation at a time."""

from dataclasses import dataclass
from typing import Any

import pyotp

from models import StaffRole, StaffUser
from services.runtime import Runtime
from services.support import staff
from tests.helpers import GraphQL
from tests.operations import STAFF_OPERATIONS

PASSWORDS = {
    StaffRole.AGENT: "Agent-pass-1",
    StaffRole.SUPERVISOR: "Super-pass-1",
    StaffRole.AUDITOR: "Audit-pass-1",
}


@dataclass
class Desk:
    api: GraphQL
    user: StaffUser
    token: str | None = None

    async def post(self, operation: str, variables: dict[str, Any] | None = None) -> dict:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = await self.api.client.post(
            "/staff/graphql",
            headers=headers,
            json={"query": STAFF_OPERATIONS[operation], "variables": variables},
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def call(self, operation: str, variables: dict[str, Any] | None = None) -> dict:
        body = await self.post(operation, variables)
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        return payload

    def totp(self, runtime: Runtime) -> str:
        return pyotp.TOTP(staff.totp_secret(runtime, self.user)).at(runtime.clock.now())

    async def log_in(self, runtime: Runtime) -> None:
        login = await self.call(
            "StaffLogin",
            {
                "input": {
                    "username": self.user.username,
                    "password": PASSWORDS[self.user.role],
                    "totpCode": self.totp(runtime),
                }
            },
        )
        assert login["errors"] == [], login
        self.token = login["token"]


async def desk(api: GraphQL, runtime: Runtime, username: str, role: StaffRole) -> Desk:
    """A staff user, made as `staff add` makes one, and logged in."""
    user = await staff.add(runtime, username=username, password=PASSWORDS[role], role=role)
    person = Desk(api, user)
    await person.log_in(runtime)
    return person


def codes_of(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def proposal(customer_id: object) -> dict[str, Any]:
    """ProposeRefund's variables: the customer's whole balance to 张三's account ****1234."""
    return {
        "input": {
            "customerId": str(customer_id),
            "payeeName": "张三",
            "payeeBank": "中国银行",
            "payeeAccount": "6222020000001234",
            "note": "",
            "idempotencyKey": "k",
        }
    }
