"""Talking to the app the way the mobile apps do, and reading what the SMS gateway got."""

import json
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp

from models import Account
from server.worker import Worker
from services.notify.sms import FileSms


@dataclass
class GraphQL:
    app: ASGIApp
    client: httpx.AsyncClient
    worker: Worker
    sms: FileSms

    async def post(self, query: str, variables: dict[str, Any] | None = None, *,
                   token: str | None = None, lang: str | None = None) -> dict[str, Any]:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        response = await self.client.post("/graphql", json={"query": query, "variables": variables},
                                          headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None,
                   **kwargs: Any) -> dict[str, Any]:
        """The `data` of an answer that must have no top-level errors."""
        body = await self.post(query, variables, **kwargs)
        assert "errors" not in body, body
        return body["data"]

    def sent(self) -> list[dict[str, Any]]:
        if not self.sms.path.exists():
            return []
        return [json.loads(line) for line in self.sms.path.read_text().splitlines()]

    async def deliver(self) -> list[dict[str, Any]]:
        """Let the worker send what is queued; returns every SMS sent so far."""
        await self.worker.run_once()
        return self.sent()

    async def last_code(self, phone: str, purpose: str) -> str:
        messages = [m for m in await self.deliver()
                    if m["to"] == phone and m["purpose"] == purpose]
        assert messages, f"no {purpose} SMS to {phone}"
        return messages[-1]["code"]


def unauthenticated(body: dict[str, Any]) -> bool:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])] == [
        "UNAUTHENTICATED"]


async def account_by_phone(e164: str) -> Account:
    return await Account.get(phone=e164)
