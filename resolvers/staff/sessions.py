"""The desk's login, logout and who is logged in."""

import strawberry

from models import StaffUser
from resolvers.staff.common import StaffInfo, acting, errors_as_data
from schema.staff.types import (
    StaffLoginInput,
    StaffLoginPayload,
    StaffLogoutPayload,
    StaffMember,
)
from services.support import staff


def member(user: StaffUser) -> StaffMember:
    return StaffMember(id=strawberry.ID(str(user.id)), username=user.username, role=user.role)


@errors_as_data
async def staff_login(info: StaffInfo, input: StaffLoginInput) -> StaffLoginPayload:
    logged_in = await staff.log_in(
        info.context.runtime,
        username=input.username,
        password=input.password,
        totp_code=input.totp_code,
        client=info.context.client,
    )
    return StaffLoginPayload(token=logged_in.token, staff=member(logged_in.staff))


async def staff_logout(info: StaffInfo) -> StaffLogoutPayload:
    return StaffLogoutPayload(ok=await staff.log_out(info.context.runtime, await acting(info)))


async def staff_me(info: StaffInfo) -> StaffMember:
    return member((await acting(info)).staff)
