"""The Tortoise engine for PostgreSQL here (server/database.py names it): Tortoise's asyncpg
client over a pool that lends a request's statements one connection (services/lease.py)."""

from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient

from services.lease import LeasingPool


class LeasingAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> Any:
        return LeasingPool(await super().create_pool(**kwargs))


client_class = LeasingAsyncpgClient
