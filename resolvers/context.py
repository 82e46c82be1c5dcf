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
    public_url: str | None = None  # WALLET_PUBLIC_URL, when links must not follow the request
    _caller: Caller | None = field(default=None, repr=False)
    _read: bool = field(default=False, repr=False)

    @property
    def client(self) -> str:
        """The caller's address (behind WALLET_TRUSTED_PROXIES: the one they forwarded)."""
        return self.request.client.host if self.request.client else ""

    @property
    def links(self) -> str:
        """Where links in answers point: WALLET_PUBLIC_URL, or this server as the client
        reached it."""
        return self.public_url or str(self.request.base_url).rstrip("/")

    async def caller(self) -> Caller | None:
        """The session the bearer token opened, read once per request."""
        if not self._read:
            self._caller, self._read = (
                await sessions.from_authorization(
                    self.runtime, self.request.headers.get("authorization", "")
                ),
                True,
            )
        return self._caller
