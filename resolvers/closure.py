import strawberry
from strawberry.types import Info

from models import ClosureRequest as ClosureRequestModel
from resolvers.common import errors_as_data, require_account, require_caller
from resolvers.context import Context
from schema.types import (
    Blocker,
    BlockerCode,
    CancelClosureInput,
    ClosureEligibility,
    ClosureReceipt,
    ClosureRequest,
    ClosureRequestPayload,
    ClosureRequestRef,
    ConfirmClosureInput,
    SendClosureCodeInput,
    SendClosureCodePayload,
    StartClosureInput,
    StartClosurePayload,
    TimelineStep,
    UserError,
    VerifyClosureIdentityInput,
    VerifyClosureIdentityPayload,
    Warning,
    WarningCode,
)
from services.closure import eligibility, flow
from services.closure.eligibility import Finding
from services.errors import DomainError, ErrorCode

Ctx = Info[Context, None]


def ref(request: ClosureRequestModel | None) -> ClosureRequestRef | None:
    if request is None:
        return None
    return ClosureRequestRef(
        id=strawberry.ID(str(request.id)),
        state=request.state,
        expires_at=request.expires_at,
        confirmed_at=request.confirmed_at,
    )


def blockers(findings: list[Finding], lang: str) -> list[Blocker]:
    return [Blocker(code=BlockerCode(f.code), message=f.message(lang)) for f in findings]


def warnings(findings: list[Finding], lang: str) -> list[Warning]:
    return [Warning(code=WarningCode(f.code), message=f.message(lang)) for f in findings]


def not_eligible(findings: list[Finding], lang: str) -> list[UserError]:
    return [
        UserError(code=ErrorCode.NOT_ELIGIBLE, message=f.message(lang), field=None)
        for f in findings
    ]


async def closure_eligibility(info: Ctx) -> ClosureEligibility:
    caller = await require_caller(info)
    lang = info.context.lang
    found = await eligibility.assess(info.context.runtime, caller.account_id)
    return ClosureEligibility(
        can_close=found.can_close,
        blockers=blockers(found.blockers, lang),
        warnings=warnings(found.warnings, lang),
        recovery_window_days=found.recovery_window_days,
        open_request=ref(found.open_request),
    )


async def closure_request(info: Ctx, id: strawberry.ID) -> ClosureRequest | None:
    caller = await require_caller(info)
    try:
        request = await flow.find(caller.account_id, id)
    except DomainError:
        return None
    return await request_of(request)


async def request_of(request: ClosureRequestModel) -> ClosureRequest:
    return ClosureRequest(
        id=strawberry.ID(str(request.id)),
        state=request.state,
        reason=request.reason,
        created_at=request.created_at,
        expires_at=request.expires_at,
        confirmed_at=request.confirmed_at,
        completed_at=request.completed_at,
        recoverable_until=request.recoverable_until,
        timeline=[TimelineStep(state=s.state, at=s.at) for s in await flow.timeline(request)],
    )


@errors_as_data
async def start_closure(info: Ctx, input: StartClosureInput) -> StartClosurePayload:
    account = await require_account(info)
    lang = info.context.lang
    started = await flow.start(
        info.context.runtime,
        account,
        reason=input.reason,
        comment=input.comment,
        idempotency_key=input.idempotency_key,
    )
    return StartClosurePayload(
        request=ref(started.request),
        blockers=blockers(started.blockers, lang),
        errors=not_eligible(started.blockers, lang),
    )


@errors_as_data
async def send_closure_code(info: Ctx, input: SendClosureCodeInput) -> SendClosureCodePayload:
    account = await require_account(info)
    request, wait = await flow.send_code(
        info.context.runtime,
        account,
        request_id=input.request_id,
        captcha_id=input.captcha_id,
        captcha_answer=input.captcha_answer,
        lang=info.context.lang,
    )
    return SendClosureCodePayload(request=ref(request), resend_after_seconds=wait)


@errors_as_data
async def verify_closure_identity(
    info: Ctx,
    input: VerifyClosureIdentityInput,
) -> VerifyClosureIdentityPayload:
    account = await require_account(info)
    request, found = await flow.verify(
        info.context.runtime, account, request_id=input.request_id, code=input.code
    )
    return VerifyClosureIdentityPayload(
        request=ref(request), warnings=warnings(found, info.context.lang)
    )


@errors_as_data
async def confirm_closure(info: Ctx, input: ConfirmClosureInput) -> ClosureRequestPayload:
    session = await (await require_caller(info)).session()
    confirmed = await flow.confirm(
        info.context.runtime,
        session,
        request_id=input.request_id,
        acknowledged=input.acknowledge_irreversible,
        lang=info.context.lang,
    )
    receipt = confirmed.receipt
    return ClosureRequestPayload(
        request=ref(confirmed.request),
        receipt=ClosureReceipt(secret=receipt.secret, valid_until=receipt.valid_until)
        if receipt
        else None,
        errors=not_eligible(confirmed.blockers, info.context.lang),
    )


@errors_as_data
async def cancel_closure(info: Ctx, input: CancelClosureInput) -> ClosureRequestPayload:
    account = await require_account(info)
    request = await flow.cancel(info.context.runtime, account, request_id=input.request_id)
    return ClosureRequestPayload(request=ref(request))
