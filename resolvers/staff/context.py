from dataclasses import dataclass, field

from starlette.requests import Request

from models import StaffSession
from services.runtime import Runtime
from services.support import staff

_UNREAD = object()


@dataclass
class StaffContext:
    """The support desk's context: its own sessions, never a customer's."""

    request: Request
    runtime: Runtime
    lang: str
    request_id: str
    _session: object = field(default=_UNREAD, repr=False)

    async def session(self) -> StaffSession | None:
        if self._session is _UNREAD:
            self._session = await staff.from_authorization(
                self.runtime, self.request.headers.get("authorization", ""))
        return self._session  # type: ignore[return-value]
