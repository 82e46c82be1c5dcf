"""Spec §4 for logging in: code lifetime, tries, resend, daily cap, lockout, no enumeration."""

import dataclasses
from datetime import timedelta

import pytest

from models import Challenge, ChallengeKind, OutboxMessage, PasswordThrottle
from services.clock import FakeClock
from services.runtime import Runtime
from tests import factories
from tests.conftest import CAPTCHA_TEST_ANSWER
from tests.helpers import GraphQL
from tests.operations import CREATE_CAPTCHA, LOGIN_WITH_CODE, LOGIN_WITH_PASSWORD, SEND_LOGIN_CODE

PHONE = "+8613900000001"
UNKNOWN = "+8613900000999"


async def send_code(api: GraphQL, phone: str = PHONE) -> dict:
    captcha = await api.data(CREATE_CAPTCHA, {"purpose": "LOGIN"})
    data = await api.data(
        SEND_LOGIN_CODE,
        {
            "input": {
                "phone": phone,
                "captchaId": captcha["createCaptcha"]["captchaId"],
                "captchaAnswer": CAPTCHA_TEST_ANSWER,
            }
        },
    )
    return data["sendLoginCode"]


async def login(api: GraphQL, code: str, phone: str = PHONE) -> dict:
    data = await api.data(
        LOGIN_WITH_CODE, {"input": {"phone": phone, "code": code, "deviceName": "phone"}}
    )
    return data["loginWithCode"]


async def password_login(api: GraphQL, password: str, phone: str = PHONE) -> dict:
    data = await api.data(
        LOGIN_WITH_PASSWORD,
        {"input": {"phone": phone, "password": password, "deviceName": "phone"}},
    )
    return data["loginWithPassword"]


def codes_of(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_a_code_expires_after_five_minutes(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    await send_code(api)
    code = await api.last_code(PHONE, "LOGIN_CODE")

    clock.advance(timedelta(minutes=5, seconds=1))

    assert codes_of(await login(api, code)) == ["CODE_EXPIRED"]


async def test_a_code_still_works_just_before_it_expires(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    await send_code(api)
    code = await api.last_code(PHONE, "LOGIN_CODE")

    clock.advance(timedelta(minutes=4, seconds=59))

    assert codes_of(await login(api, code)) == []


async def test_five_wrong_codes_void_the_code(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    await send_code(api)
    code = await api.last_code(PHONE, "LOGIN_CODE")

    answers = [codes_of(await login(api, wrong(code))) for _ in range(5)]

    assert answers == [["CODE_INVALID"]] * 4 + [["TOO_MANY_ATTEMPTS"]]
    right_one = await login(api, code)
    assert codes_of(right_one) == ["TOO_MANY_ATTEMPTS"] and right_one["token"] is None


async def test_a_resend_within_sixty_seconds_is_refused(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    await send_code(api)
    clock.advance(timedelta(seconds=45))

    refused = await send_code(api)
    clock.advance(timedelta(seconds=15))
    allowed = await send_code(api)

    assert refused["resendAfterSeconds"] == 15 and codes_of(refused) == ["RATE_LIMITED"]
    assert allowed == {"resendAfterSeconds": 60, "errors": []}
    sent = [m for m in await api.deliver() if m["purpose"] == "LOGIN_CODE"]
    assert len(sent) == 2


async def test_a_new_code_replaces_the_old_one(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    await send_code(api)
    first = await api.last_code(PHONE, "LOGIN_CODE")
    clock.advance(timedelta(seconds=61))
    await send_code(api)
    second = await api.last_code(PHONE, "LOGIN_CODE")

    if first != second:
        assert codes_of(await login(api, first)) == ["CODE_INVALID"]
    assert codes_of(await login(api, second)) == []


async def test_ten_codes_per_phone_per_day(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    answers = []
    for _ in range(11):
        answers.append(codes_of(await send_code(api)))
        clock.advance(timedelta(seconds=61))

    assert answers == [[]] * 10 + [["RATE_LIMITED"]]
    clock.advance(timedelta(hours=24) - 10 * timedelta(seconds=61))
    assert codes_of(await send_code(api)) == []


async def test_an_unknown_phone_is_answered_like_a_known_one(
    api: GraphQL, runtime: Runtime
) -> None:
    account = await factories.account(runtime)

    known, unknown = await send_code(api, PHONE), await send_code(api, UNKNOWN)

    assert known == unknown == {"resendAfterSeconds": 60, "errors": []}
    code = await api.last_code(PHONE, "LOGIN_CODE")
    refusal = {
        "token": None,
        "account": None,
        "errors": [{"code": "CODE_INVALID", "message": "短信验证码错误。", "field": "code"}],
    }
    assert await login(api, wrong(code), PHONE) == refusal
    assert await login(api, wrong(code), UNKNOWN) == refusal
    assert await password_login(api, "Wrong-1", PHONE) == await password_login(
        api, "Wrong-1", UNKNOWN
    )
    # the code for the unknown phone exists (same rate limits) but is never sent
    assert await Challenge.filter(kind=ChallengeKind.SMS_CODE).count() == 2
    assert [m.account_id for m in await OutboxMessage.all()] == [account.id]
    assert [m["to"] for m in api.sent()] == [PHONE]


async def test_unknown_phones_are_rate_limited_too(api: GraphQL) -> None:
    await send_code(api, UNKNOWN)

    assert codes_of(await send_code(api, UNKNOWN)) == ["RATE_LIMITED"]


@pytest.mark.parametrize("phone", [PHONE, UNKNOWN])
async def test_ten_wrong_passwords_lock_password_login_for_fifteen_minutes(
    api: GraphQL, runtime: Runtime, clock: FakeClock, phone: str
) -> None:
    await factories.account(runtime)
    answers = []
    for _ in range(10):
        answers.append(codes_of(await password_login(api, "Wrong-pass", phone)))
        clock.advance(timedelta(seconds=30))

    assert answers == [["INVALID_CREDENTIALS"]] * 10
    assert codes_of(await password_login(api, factories.PASSWORD, phone)) == ["ACCOUNT_LOCKED"]
    clock.advance(timedelta(minutes=15) - timedelta(seconds=30))
    expected = [] if phone == PHONE else ["INVALID_CREDENTIALS"]
    assert codes_of(await password_login(api, factories.PASSWORD, phone)) == expected


async def test_failures_older_than_fifteen_minutes_do_not_count(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    for _ in range(9):
        await password_login(api, "Wrong-pass")
    clock.advance(timedelta(minutes=16))

    assert codes_of(await password_login(api, "Wrong-pass")) == ["INVALID_CREDENTIALS"]
    assert codes_of(await password_login(api, factories.PASSWORD)) == []


async def test_a_right_password_resets_the_count(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    for _ in range(9):
        await password_login(api, "Wrong-pass")
    assert codes_of(await password_login(api, factories.PASSWORD)) == []

    for _ in range(9):
        await password_login(api, "Wrong-pass")
    assert codes_of(await password_login(api, factories.PASSWORD)) == []


async def test_old_codes_and_captchas_are_forgotten_after_a_day(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    await send_code(api)
    await password_login(api, "Wrong-pass")
    clock.advance(timedelta(hours=23))
    await api.deliver()
    kept = await Challenge.all().count()

    clock.advance(timedelta(hours=1, seconds=1))
    await api.deliver()

    assert kept == 2  # the captcha and the code still count towards today's limit
    assert await Challenge.all().count() == 0
    assert await PasswordThrottle.all().count() == 0


async def test_spraying_many_phones_from_one_address_is_stopped(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given a limit of 5 password attempts per address (100 outside this test)
    runtime.rules = dataclasses.replace(runtime.rules, password_failures_per_client=5)
    await factories.account(runtime)
    phones = [f"1390000{n:04d}" for n in range(10, 17)]

    # when one address tries a common password on seven phones
    answers = [codes_of(await password_login(api, "Password123", phone)) for phone in phones]

    # then five were checked and the address is refused, even for a right password
    assert answers == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]] * 2
    assert codes_of(await password_login(api, factories.PASSWORD)) == ["RATE_LIMITED"]
    clock.advance(timedelta(minutes=15))
    assert codes_of(await password_login(api, factories.PASSWORD)) == []
