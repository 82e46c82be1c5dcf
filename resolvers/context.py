from dataclasses import dataclass, field

from starlette.requests import Request

from services.identity import sessions
from services.identity.sessions import Caller
from services.runtime import Runtime


@dataclass
class Context:
    request: Request
    runtime: Runtime
    lang: str
    request_id: str
    _caller: Caller | None = field(default=None, repr=False)
    _read: bool = field(default=False, repr=False)

    @property
    def client(self) -> str:
        """The caller's address (run uvicorn with --proxy-headers behind a proxy)."""
        return self.request.client.host if self.request.client else ""

    @property
    def public_url(self) -> str:
        """Where links in answers point: this server as the client reached it."""
        return str(self.request.base_url).rstrip("/")

    async def caller(self) -> Caller | None:
        """The session the bearer token opened, read once per request."""
        if not self._read:
            self._caller, self._read = await sessions.from_authorization(
                self.runtime, self.request.headers.get("authorization", "")), True
        return self._caller
