"""Legal holds."""

import strawberry

from resolvers.staff.common import StaffInfo, acting, errors_as_data
from schema.staff.types import (
    LegalHoldInput,
    LegalHoldPayload,
    LegalHoldRef,
)
from services.support import customers


@errors_as_data
async def set_legal_hold(info: StaffInfo, input: LegalHoldInput) -> LegalHoldPayload:
    session = await acting(info)
    account = await customers.set_legal_hold(
        info.context.runtime,
        session.staff,
        customer_id=input.customer_id,
        hold=input.hold,
        reason=input.reason,
    )
    return LegalHoldPayload(
        customer=LegalHoldRef(id=strawberry.ID(str(account.id)), legal_hold=account.legal_hold)
    )
