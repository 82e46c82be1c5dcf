from dataclasses import dataclass, field

from starlette.requests import Request

from models import Session
from services.identity import sessions
from services.runtime import Runtime

_UNREAD = object()


@dataclass
class Context:
    request: Request
    runtime: Runtime
    lang: str
    request_id: str
    _session: object = field(default=_UNREAD, repr=False)

    @property
    def client(self) -> str:
        """The caller's address (run uvicorn with --proxy-headers behind a proxy)."""
        return self.request.client.host if self.request.client else ""

    async def session(self) -> Session | None:
        """The session the bearer token opened, read once per request."""
        if self._session is _UNREAD:
            self._session = await sessions.from_authorization(
                self.runtime, self.request.headers.get("authorization", ""))
        return self._session  # type: ignore[return-value]
