"""The queue of closures held for review, and a supervisor's decision."""

import strawberry

from models import ClosureRequest as ClosureRequestModel
from resolvers.common import top_level_error
from resolvers.pages import connection
from resolvers.staff.common import StaffInfo, acting, errors_as_data, forbidden
from schema.pagination import Connection
from schema.staff.types import (
    CustomerRef,
    ReviewDecisionInput,
    ReviewDecisionPayload,
    ReviewedRequest,
    ReviewItem,
)
from services.actors import Forbidden
from services.closure.review import ReviewReason
from services.errors import DomainError
from services.identity import phones
from services.support import reviews


def request_ref(request: ClosureRequestModel) -> ReviewedRequest:
    return ReviewedRequest(id=strawberry.ID(str(request.id)), state=request.state)


async def closure_reviews(
    info: StaffInfo, first: int | None = 20, after: str | None = None
) -> Connection[ReviewItem]:
    session = await acting(info)
    try:
        page = await reviews.queue(session.staff, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    except Forbidden:
        raise forbidden(info) from None
    return connection(
        page,
        lambda step: ReviewItem(
            id=strawberry.ID(str(step.request.id)),
            state=step.request.state,
            review_reasons=[ReviewReason(r) for r in step.request.review_reasons],
            created_at=step.request.created_at,
            customer=CustomerRef(
                id=strawberry.ID(str(step.request.account.id)),
                phone_masked=phones.mask(step.request.account.phone),
            ),
        ),
    )


@errors_as_data
async def approve_closure(info: StaffInfo, input: ReviewDecisionInput) -> ReviewDecisionPayload:
    session = await acting(info)
    request = await reviews.approve(
        info.context.runtime, session.staff, request_id=input.request_id, note=input.note
    )
    return ReviewDecisionPayload(request=request_ref(request))


@errors_as_data
async def reject_closure(info: StaffInfo, input: ReviewDecisionInput) -> ReviewDecisionPayload:
    session = await acting(info)
    request = await reviews.reject(
        info.context.runtime, session.staff, request_id=input.request_id, note=input.note
    )
    return ReviewDecisionPayload(request=request_ref(request))
