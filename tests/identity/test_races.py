"""Two requests at once, on PostgreSQL where they really run in parallel."""

import asyncio

import pytest

from models import AuditEntry, Session
from services.records import audit
from services.runtime import Runtime
from tests import factories
from tests.conftest import CAPTCHA_TEST_ANSWER, TEST_SECRET
from tests.helpers import GraphQL
from tests.operations import CREATE_CAPTCHA, LOGIN_WITH_CODE, SEND_LOGIN_CODE

pytestmark = pytest.mark.postgres
PHONE = "+8613900000001"


async def test_one_code_used_twice_at_once_logs_in_once(api: GraphQL, runtime: Runtime) -> None:
    # given
    await factories.account(runtime)
    captcha = await api.data(CREATE_CAPTCHA, {"purpose": "LOGIN"})
    await api.data(
        SEND_LOGIN_CODE,
        {
            "input": {
                "phone": PHONE,
                "captchaId": captcha["createCaptcha"]["captchaId"],
                "captchaAnswer": CAPTCHA_TEST_ANSWER,
            }
        },
    )
    code = await api.last_code(PHONE, "LOGIN_CODE")
    variables = {"input": {"phone": PHONE, "code": code, "deviceName": "racer"}}

    # when
    answers = await asyncio.gather(*(api.data(LOGIN_WITH_CODE, variables) for _ in range(4)))

    # then
    tokens = [a["loginWithCode"]["token"] for a in answers if a["loginWithCode"]["token"]]
    assert len(tokens) == 1
    assert (
        sorted(e["code"] for a in answers for e in a["loginWithCode"]["errors"])
        == ["CODE_INVALID"] * 3
    )
    assert await Session.all().count() == 1


async def test_audit_entries_written_at_once_still_form_one_chain(runtime: Runtime) -> None:
    account = await factories.account(runtime)

    await asyncio.gather(
        *(
            audit.logged_out(runtime, account_id=account.id, at=runtime.clock.now())
            for _ in range(20)
        )
    )

    assert await AuditEntry.all().count() == 21
    assert (await audit.verify_chain(TEST_SECRET)).breaks == []
