"""Reference routes for bench/wrk.py (WALLET_BENCH_ROUTES=on, never in production): the reads of
`Me` as hand-written SQL on the bare driver connection, and a static answer, served by the
same process from the same database, so the benchmark can show what the layers above cost."""

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import connections

from services import currency
from services.database import is_postgres
from services.identity import phones, sessions
from services.runtime import Runtime

STATIC = {"data": {"me": {"id": "00000000-0000-4000-8000-000000000000",
                          "phoneMasked": "138****0001", "status": "ACTIVE"}}}

SESSION = ("SELECT s.id, s.account_id, s.expires_at, a.phone, a.status FROM session s "
           "JOIN account a ON a.id = s.account_id WHERE s.token_hash = {0} "
           "AND s.revoked_at IS NULL")
BALANCE = "SELECT settled_fen, pending_out_fen FROM wallet_balance WHERE account_id = {0}"
CARDS = ("SELECT id, bank_name, last4 FROM bank_card WHERE account_id = {0} "
         "AND unbound_at IS NULL ORDER BY bound_at")
SESSIONS = ("SELECT id, device_name, last_seen_at FROM session WHERE account_id = {0} "
            "AND revoked_at IS NULL ORDER BY last_seen_at DESC")


def routes(runtime: Runtime) -> list[Route]:
    async def static(_: Request) -> Response:
        return JSONResponse(STATIC)

    async def driver_me(request: Request) -> Response:
        connection = connections.get("default")
        postgres = is_postgres(connection)
        mark = "$1" if postgres else "?"

        async def rows(sql: str, value: Any) -> list[Any]:
            return list((await connection.execute_query(sql.format(mark), [value]))[1])

        _, _, token = request.headers.get("authorization", "").partition(" ")
        found = await rows(SESSION, sessions.token_hash(runtime, token.strip()))
        if not found:
            return JSONResponse({"errors": [{"extensions": {"code": "UNAUTHENTICATED"}}]})
        session = found[0]
        account = session["account_id"] if postgres else str(UUID(str(session["account_id"])))
        balance = await rows(BALANCE, account)
        settled, pending = (balance[0]["settled_fen"], balance[0]["pending_out_fen"]) if (
            balance) else (0, 0)
        available = settled - pending
        return JSONResponse({"data": {"me": {
            "id": str(session["account_id"]), "phoneMasked": phones.mask(session["phone"]),
            "status": session["status"],
            "balance": {"fen": available, "currency": currency.CURRENCY,
                        "display": currency.display(available)},
            "bankCards": [{"id": str(c["id"]), "bankName": c["bank_name"], "last4": c["last4"]}
                          for c in await rows(CARDS, account)],
            "sessions": [{"id": str(s["id"]), "deviceName": s["device_name"],
                          "current": str(s["id"]) == str(session["id"]),
                          "lastSeenAt": str(s["last_seen_at"])}
                         for s in await rows(SESSIONS, account)],
        }}})

    return [Route("/bench/static", static, methods=["GET", "POST"]),
            Route("/bench/driver/me", driver_me, methods=["GET", "POST"])]
