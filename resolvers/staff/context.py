from dataclasses import dataclass, field

from starlette.requests import Request

from models import StaffSession
from services.runtime import Runtime
from services.support import staff


@dataclass
class StaffContext:
    """The support desk's context: its own sessions, never a customer's."""

    request: Request
    runtime: Runtime
    lang: str
    request_id: str
    public_url: str | None = None
    _session: StaffSession | None = field(default=None, repr=False)
    _read: bool = field(default=False, repr=False)

    @property
    def client(self) -> str:
        return self.request.client.host if self.request.client else ""

    async def session(self) -> StaffSession | None:
        if not self._read:
            self._session, self._read = (
                await staff.from_authorization(
                    self.runtime, self.request.headers.get("authorization", "")
                ),
                True,
            )
        return self._session
