"""Reference routes for the benchmark (bench/app.py adds them; the installed package has none):
the reads of `Me`, `ClosureEligibility`, `SecurityLogPage` and `LoginWithPassword` as the same
hand-written SQL through `services.database.fetch` (the driver under Tortoise, no query builder,
no GraphQL), argon2's verify alone, and a static answer, served by the same process from the
same database, so the benchmark can show what the layers above cost."""

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from models import AccountStatus
from services import currency
from services.closure import eligibility
from services.closure.machine import State
from services.database import fetch
from services.identity import accounts, phones, sessions
from services.lease import one_connection
from services.records import audit
from services.runtime import Runtime

UNAUTHENTICATED = {"errors": [{"extensions": {"code": "UNAUTHENTICATED"}}]}
STATIC = {
    "data": {
        "me": {
            "id": "00000000-0000-4000-8000-000000000000",
            "phoneMasked": "138****0001",
            "status": "ACTIVE",
        }
    }
}

ACCOUNT_BY_PHONE = "SELECT id, password_hash FROM account WHERE phone = {} AND status = {}"
NEW_SESSION = """
INSERT INTO session (id, account_id, token_hash, device_name, created_at, last_seen_at,
                     expires_at)
VALUES ({}, {}, {}, {}, {}, {}, {})
"""


def routes(runtime: Runtime) -> list[Route]:
    def driver_route(path: str, handle: Callable[[Request], Awaitable[dict[str, Any]]]) -> Route:
        async def endpoint(request: Request) -> Response:
            async with one_connection():  # as a query's statements through /graphql
                return _json(await handle(request))

        return Route(path, endpoint, methods=["POST"])

    async def caller(request: Request) -> Any:
        _, _, token = request.headers.get("authorization", "").partition(" ")
        found = await fetch(
            sessions.CALLER,
            sessions.token_hash(runtime, token.strip()),
            runtime.clock.now(),
            AccountStatus.ACTIVE.value,
        )
        return found[0] if found else None

    async def me(request: Request) -> dict[str, Any]:
        row = await caller(request)
        if row is None:
            return UNAUTHENTICATED
        account = row["account_id"]
        available = (row["settled_fen"] or 0) - (row["pending_out_fen"] or 0)
        cards, devices = await accounts.cards_and_devices(runtime, account)
        return {
            "data": {
                "me": {
                    "id": str(account),
                    "phoneMasked": phones.mask(row["phone"]),
                    "status": "ACTIVE",
                    "balance": {
                        "fen": available,
                        "currency": currency.CURRENCY,
                        "display": currency.display(available),
                    },
                    "bankCards": [
                        {"id": str(c.id), "bankName": c.bank_name, "last4": c.last4} for c in cards
                    ],
                    "sessions": [
                        {
                            "id": str(d.session_id),
                            "deviceName": d.name,
                            "current": str(d.session_id) == str(row["id"]),
                            "lastSeenAt": d.last_seen_at.isoformat(),
                        }
                        for d in devices
                    ],
                }
            }
        }

    async def closure_eligibility(request: Request) -> dict[str, Any]:
        row = await caller(request)
        if row is None:
            return UNAUTHENTICATED
        account = row["account_id"]
        standing = (await fetch(eligibility.STANDING, *eligibility.standing_values(account)))[0]
        open_id = standing["open_request_id"]
        open_state = None
        if open_id is not None:
            open_state = State(
                (await fetch("SELECT state FROM closure_request WHERE id = {}", open_id))[0][
                    "state"
                ]
            )
        found = eligibility.blockers_of(runtime, standing, open_state)
        losses = await fetch(eligibility.LOSSES, account, account)
        return {
            "data": {
                "closureEligibility": {
                    "canClose": not found,
                    "blockers": [
                        {"code": f.code.value, "message": f.message("zh-CN")} for f in found
                    ],
                    "warnings": [
                        {"code": f.code.value, "message": f.message("zh-CN")}
                        for f in eligibility.warnings_of(runtime, losses)
                    ],
                    "recoveryWindowDays": runtime.rules.recovery_window.days,
                    "openRequest": {"id": str(open_id), "state": open_state}
                    if open_state
                    else None,
                }
            }
        }

    async def security_log(request: Request) -> dict[str, Any]:
        row = await caller(request)
        if row is None:
            return UNAUTHENTICATED
        entries = await fetch(audit.NEWEST_ENTRIES, row["account_id"], audit.BEYOND_EVERY_SEQ, 21)
        return {
            "data": {
                "securityLog": {
                    "edges": [
                        {
                            "cursor": str(e["seq"]),
                            "node": {
                                "at": str(e["at"]),
                                "action": e["action"],
                                "detail": audit.describe(
                                    e["action"], json.loads(e["data"]), "zh-CN"
                                ),
                            },
                        }
                        for e in entries[:20]
                    ],
                    "pageInfo": {
                        "hasNextPage": len(entries) > 20,
                        "endCursor": str(entries[-1]["seq"]) if entries else None,
                    },
                }
            }
        }

    async def login(request: Request) -> dict[str, Any]:
        body = (await request.json())["variables"]["input"]
        found = await fetch(
            ACCOUNT_BY_PHONE, phones.normalize(body["phone"]), AccountStatus.ACTIVE.value
        )
        hashed = found[0]["password_hash"] if found else None
        if not await runtime.passwords.verify(hashed, body["password"]):
            return {"errors": [{"extensions": {"code": "INVALID_CREDENTIALS"}}]}
        token, now = secrets.token_urlsafe(32), runtime.clock.now()
        await fetch(
            NEW_SESSION,
            uuid4(),
            found[0]["id"],
            sessions.token_hash(runtime, token),
            body.get("deviceName", ""),
            now,
            now,
            now + timedelta(days=30),
        )
        return {"data": {"loginWithPassword": {"token": token, "errors": []}}}

    async def argon2_verify(request: Request) -> Response:
        """argon2's own verify on the demo hash: the floor of LoginWithPassword."""
        body = (await request.json())["variables"]["input"]
        found = await fetch(
            ACCOUNT_BY_PHONE, phones.normalize(body["phone"]), AccountStatus.ACTIVE.value
        )
        ok = await asyncio.to_thread(_verify_now, found[0]["password_hash"], body["password"])
        return JSONResponse({"data": {"ok": ok}} if ok else {"errors": [{"message": "wrong"}]})

    async def static(_: Request) -> Response:
        return _json(STATIC)

    return [
        driver_route("/bench/driver/me", me),
        driver_route("/bench/driver/closure-eligibility", closure_eligibility),
        driver_route("/bench/driver/security-log", security_log),
        driver_route("/bench/driver/login", login),
        Route("/bench/argon2", argon2_verify, methods=["POST"]),
        Route("/bench/static", static, methods=["GET", "POST"]),
    ]


def _json(answer: dict[str, Any]) -> Response:
    """Encoded as the GraphQL endpoints encode their answers (server/endpoint.py)."""
    return Response(orjson.dumps(answer), media_type="application/json")


def _verify_now(password_hash: str, password: str) -> bool:
    try:  # the cost parameters are those written in the hash
        return PasswordHasher().verify(password_hash, password)
    except VerificationError:
        return False
