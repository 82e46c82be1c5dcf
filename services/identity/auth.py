"""Logging in and out: captcha-gated SMS codes, passwords with lockout, no phone enumeration."""

import math
from collections.abc import Callable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import (
    Account,
    AccountStatus,
    Challenge,
    FailedLogin,
    Purpose,
)
from services import throttle, validation
from services.crypto import keyed_hash
from services.errors import DomainError, ErrorCode
from services.identity import captcha, codes, phones, sessions
from services.identity.sessions import Caller
from services.messages import message
from services.notify import outbox
from services.notify.sms import SmsPurpose
from services.records import audit
from services.records.audit import LoginMethod
from services.runtime import Runtime


@dataclass(frozen=True)
class LoggedIn:
    token: str
    account: Account


async def send_login_code(
    rt: Runtime, *, phone: str, captcha_id: str, captcha_answer: str, lang: str
) -> int:
    return await send_code_to_phone(
        rt,
        phone=phone,
        captcha_id=captcha_id,
        captcha_answer=captcha_answer,
        lang=lang,
        purpose=Purpose.LOGIN,
        sms_purpose=SmsPurpose.LOGIN_CODE,
        text_key="SMS_LOGIN_CODE",
        deliver_to=lambda account: account.status != AccountStatus.PURGED,
    )


async def send_code_to_phone(
    rt: Runtime,
    *,
    phone: str,
    captcha_id: str,
    captcha_answer: str,
    lang: str,
    purpose: Purpose,
    sms_purpose: SmsPurpose,
    text_key: str,
    deliver_to: Callable[[Account], bool],
) -> int:
    """Seconds until another code may be asked for; the answer is the same for any phone.

    A code is issued (and rate-limited) for every phone; it is sent only to an account
    that `deliver_to` accepts, so nobody learns from the answer whether a phone has one.
    """
    e164 = phones.normalize(phone)
    await captcha.solve(rt, purpose, captcha_id, captcha_answer)
    account = await Account.get_or_none(phone=e164)
    recipient = account if account and deliver_to(account) else None
    async with in_transaction():
        code = await codes.issue(
            rt,
            key=codes.phone_key(rt, e164),
            purpose=purpose,
            account_id=recipient.id if recipient else None,
        )
        if recipient:
            await outbox.enqueue(
                rt,
                account_id=recipient.id,
                to_phone=e164,
                purpose=sms_purpose,
                code=code,
                text=message(
                    text_key,
                    lang,
                    code=code,
                    minutes=int(rt.rules.code_lifetime.total_seconds() // 60),
                ),
                at=rt.clock.now(),
            )
    rt.wake_worker()
    return int(rt.rules.code_resend_after.total_seconds())


async def prove_phone(
    rt: Runtime, *, phone: str, purpose: Purpose, code: str
) -> tuple[Challenge, Account]:
    """The code this phone was sent for `purpose`, and the account it was sent to;
    CODE_INVALID also when no account got it (an unknown phone)."""
    e164 = phones.normalize(phone)
    challenge = await codes.check(rt, key=codes.phone_key(rt, e164), purpose=purpose, code=code)
    account = await Account.get_or_none(id=challenge.account_id) if challenge.account_id else None
    if account is None or account.phone != e164:
        raise DomainError(ErrorCode.CODE_INVALID, field="code")
    return challenge, account


async def login_with_code(
    rt: Runtime, *, phone: str, code: str, device_name: str, lang: str
) -> LoggedIn:
    try:
        challenge, account = await prove_phone(rt, phone=phone, purpose=Purpose.LOGIN, code=code)
    except DomainError as error:
        if error.code in (ErrorCode.CODE_INVALID, ErrorCode.TOO_MANY_ATTEMPTS):
            await FailedLogin.create(
                phone_key=codes.phone_key(rt, phones.normalize(phone)), at=rt.clock.now()
            )
        raise
    async with in_transaction():
        await codes.consume(rt, challenge)
        return await _open(rt, account, device_name, LoginMethod.SMS_CODE, lang)


async def login_with_password(
    rt: Runtime, *, phone: str, password: str, device_name: str, lang: str, client: str = ""
) -> LoggedIn:
    """Counted per phone, each attempt before its password is checked (10 in 15 minutes lock
    it; a right one clears the count), and per client address, failures only (spraying many
    phones from one address; thousands of customers behind one carrier NAT are not held back
    by each other's right passwords)."""
    e164 = phones.normalize(phone)
    password = validation.text(password, field="password", max_length=128)
    sessions.device(device_name)  # bad input is refused before anything is counted
    key = codes.phone_key(rt, e164)
    address_key = keyed_hash(rt.secret, "password-client", client)
    address_limit, phone_limit = _address_limit(rt), _phone_limit(rt)
    await throttle.refuse_if_locked(rt, address_key, address_limit)
    attempt = await throttle.reserve(rt, key, phone_limit)
    account = await Account.get_or_none(phone=e164)
    # Verified against a dummy hash when there is no account: same work, same answer.
    if not await rt.passwords.verify(account.password_hash if account else None, password):
        await FailedLogin.create(phone_key=key, at=rt.clock.now())
        await throttle.failed(rt, attempt, phone_limit)
        await throttle.count_failure(rt, address_key, address_limit)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, field="password")
    assert account is not None
    async with in_transaction():
        await throttle.clear(key)
        return await _open(rt, account, device_name, LoginMethod.PASSWORD, lang)


def _phone_limit(rt: Runtime) -> throttle.Limit:
    return throttle.Limit(
        rt.rules.password_max_failures,
        rt.rules.password_failure_window,
        rt.rules.password_lockout,
        lambda left: DomainError(ErrorCode.ACCOUNT_LOCKED, minutes=throttle.minutes(left)),
    )


def _address_limit(rt: Runtime) -> throttle.Limit:
    return throttle.Limit(
        rt.rules.password_failures_per_client,
        rt.rules.password_failure_window,
        rt.rules.password_lockout,
        lambda left: DomainError(ErrorCode.RATE_LIMITED, seconds=math.ceil(left.total_seconds())),
    )


async def _open(
    rt: Runtime, account: Account, device_name: str, method: LoginMethod, lang: str
) -> LoggedIn:
    # Said only to someone who has just proved the password or the code.
    if account.status != AccountStatus.ACTIVE:
        raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE)
    token = await sessions.open_session(rt, account, device_name)
    if account.locale != lang:
        account.locale = lang
        await account.save(update_fields=["locale"])
    await audit.login_succeeded(rt, account_id=account.id, method=method, at=rt.clock.now())
    return LoggedIn(token, account)


async def logout(rt: Runtime, caller: Caller) -> None:
    async with in_transaction():
        if await sessions.revoke(rt, caller.session_id):
            await audit.logged_out(rt, account_id=caller.account_id, at=rt.clock.now())


async def logout_all(rt: Runtime, caller: Caller) -> int:
    async with in_transaction():
        revoked = await sessions.revoke_all(rt, caller.account_id)
        await audit.logged_out_everywhere(
            rt, account_id=caller.account_id, sessions=revoked, at=rt.clock.now()
        )
    return revoked
