import strawberry
from strawberry.types import Info

from resolvers.common import errors_as_data, require_caller, top_level_error
from resolvers.context import Context
from schema.types import (
    AccountRef,
    CaptchaPayload,
    CaptchaPurpose,
    LoginPayload,
    LoginWithCodeInput,
    LoginWithPasswordInput,
    LogoutAllDevicesPayload,
    LogoutPayload,
    RestoreAccountInput,
    SendCodePayload,
    SendLoginCodeInput,
    SendRestoreCodeInput,
)
from services.closure import restore
from services.errors import DomainError
from services.identity import auth, captcha

Ctx = Info[Context, None]


async def create_captcha(info: Ctx, purpose: CaptchaPurpose) -> CaptchaPayload:
    try:
        new = await captcha.create(info.context.runtime, purpose, client=info.context.client)
    except DomainError as error:  # the payload has no `errors`: the apps read this code
        raise top_level_error(info.context.lang, error) from None
    return CaptchaPayload(
        captcha_id=strawberry.ID(str(new.id)),
        image_data_url=new.image_data_url,
        expires_at=new.expires_at,
    )


@errors_as_data
async def send_login_code(info: Ctx, input: SendLoginCodeInput) -> SendCodePayload:
    wait = await auth.send_login_code(
        info.context.runtime,
        phone=input.phone,
        captcha_id=input.captcha_id,
        captcha_answer=input.captcha_answer,
        lang=info.context.lang,
    )
    return SendCodePayload(resend_after_seconds=wait)


def _logged_in(result: auth.LoggedIn) -> LoginPayload:
    account = AccountRef(id=strawberry.ID(str(result.account.id)), status=result.account.status)
    return LoginPayload(token=result.token, account=account)


@errors_as_data
async def login_with_code(info: Ctx, input: LoginWithCodeInput) -> LoginPayload:
    return _logged_in(
        await auth.login_with_code(
            info.context.runtime,
            phone=input.phone,
            code=input.code,
            device_name=input.device_name,
            lang=info.context.lang,
        )
    )


@errors_as_data
async def login_with_password(info: Ctx, input: LoginWithPasswordInput) -> LoginPayload:
    return _logged_in(
        await auth.login_with_password(
            info.context.runtime,
            phone=input.phone,
            password=input.password,
            device_name=input.device_name,
            lang=info.context.lang,
            client=info.context.client,
        )
    )


async def logout(info: Ctx) -> LogoutPayload:
    await auth.logout(info.context.runtime, await require_caller(info))
    return LogoutPayload()


async def logout_all_devices(info: Ctx) -> LogoutAllDevicesPayload:
    revoked = await auth.logout_all(info.context.runtime, await require_caller(info))
    return LogoutAllDevicesPayload(revoked_sessions=revoked)


@errors_as_data
async def send_restore_code(info: Ctx, input: SendRestoreCodeInput) -> SendCodePayload:
    wait = await restore.send_restore_code(
        info.context.runtime,
        phone=input.phone,
        captcha_id=input.captcha_id,
        captcha_answer=input.captcha_answer,
        lang=info.context.lang,
    )
    return SendCodePayload(resend_after_seconds=wait)


@errors_as_data
async def restore_account(info: Ctx, input: RestoreAccountInput) -> LoginPayload:
    return _logged_in(
        await restore.restore(
            info.context.runtime,
            phone=input.phone,
            code=input.code,
            device_name=input.device_name,
            lang=info.context.lang,
        )
    )
