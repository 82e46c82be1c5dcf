"""The login operations of the mobile contract, over HTTP through the ASGI app."""

import base64
from datetime import timedelta

from models import Session
from services.clock import FakeClock
from services.runtime import Runtime
from tests import factories
from tests.conftest import CAPTCHA_TEST_ANSWER
from tests.helpers import GraphQL, unauthenticated
from tests.operations import (
    CREATE_CAPTCHA,
    LOGIN_WITH_CODE,
    LOGIN_WITH_PASSWORD,
    LOGOUT,
    LOGOUT_ALL_DEVICES,
    ME,
    SECURITY_LOG,
    SEND_LOGIN_CODE,
)

PHONE = "+8613900000001"


async def captcha(api: GraphQL, purpose: str = "LOGIN") -> str:
    data = await api.data(CREATE_CAPTCHA, {"purpose": purpose})
    return data["createCaptcha"]["captchaId"]


async def login_by_password(
    api: GraphQL,
    phone: str = "13900000001",
    password: str = factories.PASSWORD,
    device: str = "iPhone 15",
) -> dict:
    data = await api.data(
        LOGIN_WITH_PASSWORD, {"input": {"phone": phone, "password": password, "deviceName": device}}
    )
    return data["loginWithPassword"]


async def test_create_captcha_gives_a_png_that_expires_in_two_minutes(
    api: GraphQL, clock: FakeClock
) -> None:
    # when
    data = (await api.data(CREATE_CAPTCHA, {"purpose": "LOGIN"}))["createCaptcha"]

    # then
    prefix, _, encoded = data["imageDataUrl"].partition(",")
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(encoded)[:8] == b"\x89PNG\r\n\x1a\n"
    assert data["expiresAt"] == (clock.now() + timedelta(minutes=2)).isoformat()


async def test_login_with_an_sms_code(api: GraphQL, runtime: Runtime) -> None:
    # given
    account = await factories.account(runtime)
    captcha_id = await captcha(api)

    # when
    sent = await api.data(
        SEND_LOGIN_CODE,
        {
            "input": {
                "phone": "13900000001",
                "captchaId": captcha_id,
                "captchaAnswer": CAPTCHA_TEST_ANSWER,
            }
        },
    )
    code = await api.last_code(PHONE, "LOGIN_CODE")
    login = await api.data(
        LOGIN_WITH_CODE,
        {"input": {"phone": "+8613900000001", "code": code, "deviceName": "Pixel 8"}},
    )

    # then
    assert sent == {"sendLoginCode": {"resendAfterSeconds": 60, "errors": []}}
    assert len(code) == 6 and code.isdigit()
    payload = login["loginWithCode"]
    assert payload["account"] == {"id": str(account.id), "status": "ACTIVE"}
    assert payload["errors"] == []
    me = await api.data(ME, token=payload["token"])
    assert me["me"]["sessions"][0]["deviceName"] == "Pixel 8"


async def test_a_code_works_once(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    await api.data(
        SEND_LOGIN_CODE,
        {
            "input": {
                "phone": PHONE,
                "captchaId": await captcha(api),
                "captchaAnswer": CAPTCHA_TEST_ANSWER,
            }
        },
    )
    code = await api.last_code(PHONE, "LOGIN_CODE")
    variables = {"input": {"phone": PHONE, "code": code, "deviceName": "a"}}
    await api.data(LOGIN_WITH_CODE, variables)

    again = await api.data(LOGIN_WITH_CODE, variables)

    assert again["loginWithCode"]["token"] is None
    assert [e["code"] for e in again["loginWithCode"]["errors"]] == ["CODE_INVALID"]


async def test_me_shows_the_account_as_the_app_needs_it(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given
    account = await factories.account(runtime, fen=12_850, card_last4="6789")
    token = (await login_by_password(api))["token"]

    # when
    data = await api.data(ME, token=token)

    # then
    me = data["me"]
    session = await Session.get(account_id=account.id)
    card_id = me["bankCards"][0]["id"]
    assert me == {
        "id": str(account.id),
        "phoneMasked": "139****0001",
        "status": "ACTIVE",
        "balance": {"fen": 12850, "currency": "CNY", "display": "¥128.50"},
        "bankCards": [{"id": card_id, "bankName": "中国邮政储蓄银行", "last4": "6789"}],
        "sessions": [
            {
                "id": str(session.id),
                "deviceName": "iPhone 15",
                "current": True,
                "lastSeenAt": clock.now().isoformat(),
            }
        ],
    }


async def test_security_log_in_the_requested_language(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    token = (await login_by_password(api))["token"]

    english = await api.data(SECURITY_LOG, {"first": 10}, token=token, lang="en-GB,en;q=0.9")
    chinese = await api.data(SECURITY_LOG, {"first": 1}, token=token)

    assert [(e["action"], e["detail"]) for e in english["myAuditLog"]] == [
        ("LOGIN_SUCCEEDED", "Logged in (password)"),
        ("ACCOUNT_CREATED", "Account opened"),
    ]
    assert [(e["action"], e["detail"]) for e in chinese["myAuditLog"]] == [
        ("LOGIN_SUCCEEDED", "登录成功（密码）")
    ]


async def test_logout_revokes_only_this_token(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    phone_token = (await login_by_password(api))["token"]
    tablet_token = (await login_by_password(api, device="iPad"))["token"]

    assert await api.data(LOGOUT, token=phone_token) == {"logout": {"errors": []}}

    assert unauthenticated(await api.post(ME, token=phone_token))
    assert (await api.data(ME, token=tablet_token))["me"]["status"] == "ACTIVE"


async def test_logout_all_devices_revokes_every_token(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime)
    tokens = [(await login_by_password(api, device=d))["token"] for d in ("phone", "tablet")]

    data = await api.data(LOGOUT_ALL_DEVICES, token=tokens[0])

    assert data == {"logoutAllDevices": {"revokedSessions": 2, "errors": []}}
    for token in tokens:
        assert unauthenticated(await api.post(ME, token=token))


async def test_operations_that_need_a_login_say_unauthenticated(api: GraphQL) -> None:
    for document, variables in (
        (ME, None),
        (LOGOUT, None),
        (LOGOUT_ALL_DEVICES, None),
        (SECURITY_LOG, {"first": 5}),
    ):
        for token in (None, "not-a-token", "x" * 10_000):
            body = await api.post(document, variables, token=token)
            assert unauthenticated(body), (document, body)
            assert body["data"] is None


async def test_an_expired_session_is_refused(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    token = (await login_by_password(api))["token"]
    clock.advance(timedelta(days=30, seconds=1))

    assert unauthenticated(await api.post(ME, token=token))


async def test_messages_follow_accept_language(api: GraphQL) -> None:
    variables = {"input": {"phone": "12345", "password": "x", "deviceName": ""}}

    english = await api.data(LOGIN_WITH_PASSWORD, variables, lang="en")
    chinese = await api.data(LOGIN_WITH_PASSWORD, variables)

    assert english["loginWithPassword"]["errors"] == [
        {"code": "INVALID_PHONE", "message": "Enter a valid mobile phone number.", "field": "phone"}
    ]
    assert chinese["loginWithPassword"]["errors"] == [
        {"code": "INVALID_PHONE", "message": "请输入正确的手机号码。", "field": "phone"}
    ]
