"""Skipping, replaying or borrowing a step is refused and changes nothing."""

from datetime import timedelta

import pytest

from models import Account, AuditEntry, Challenge, ClosureRequest, ClosureStep, OutboxMessage
from services.clock import FakeClock
from services.runtime import Runtime
from tests import factories
from tests.customer import Customer, codes
from tests.helpers import GraphQL

ALICE, BOB = "+8613900000001", "+8613900000002"


@pytest.fixture
async def alice(api: GraphQL, runtime: Runtime) -> Customer:
    await factories.account(runtime, ALICE)
    person = Customer(api, ALICE)
    await person.log_in()
    return person


@pytest.fixture
async def bob(api: GraphQL, runtime: Runtime) -> Customer:
    await factories.account(runtime, BOB)
    person = Customer(api, BOB)
    await person.log_in()
    return person


async def snapshot() -> list:
    return [
        await ClosureRequest.all().order_by("id").values_list("state", flat=True),
        await ClosureStep.all().count(),
        await AuditEntry.all().count(),
        await OutboxMessage.all().count(),
        await Account.all().order_by("id").values_list("status", flat=True),
    ]


async def test_confirm_before_verify_is_refused(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    before = await snapshot()

    refused = await alice.confirm(request_id)

    assert refused == {
        "request": None,
        "errors": [
            {"code": "INVALID_STATE", "message": "当前状态下不能进行此操作。", "field": "requestId"}
        ],
    }
    assert await snapshot() == before


async def test_one_code_verifies_once(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    code = await alice.api.last_code(ALICE, "CLOSURE_CODE")
    await alice.verify(request_id, code)
    before = await snapshot()

    again = await alice.verify(request_id, code)

    assert codes(again) == ["INVALID_STATE"]
    assert await snapshot() == before


async def test_a_login_code_is_not_a_closure_code(
    alice: Customer, api: GraphQL, clock: FakeClock
) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    clock.advance(timedelta(seconds=61))
    await api.data(
        """mutation($i: SendLoginCodeInput!) { sendLoginCode(input: $i) { errors {
        code } } }""",
        {"i": {"phone": ALICE, "captchaId": await alice.captcha("LOGIN"), "captchaAnswer": "TEST"}},
    )
    login_code = await api.last_code(ALICE, "LOGIN_CODE")
    closure_code = await api.last_code(ALICE, "CLOSURE_CODE")
    if login_code == closure_code:
        pytest.skip("the two random codes happen to be equal")

    refused = await alice.verify(request_id, login_code)

    assert codes(refused) == ["CODE_INVALID"]
    assert (await ClosureRequest.get(id=request_id)).state == "CODE_SENT"


async def test_a_closure_captcha_is_needed_for_a_closure_code(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]

    refused = await alice.call(
        """mutation($i: SendClosureCodeInput!) { sendClosureCode(
        input: $i) { request { id } errors { code field } } }""",
        {
            "i": {
                "requestId": request_id,
                "captchaId": await alice.captcha("LOGIN"),
                "captchaAnswer": "TEST",
            }
        },
    )

    assert refused == {
        "request": None,
        "errors": [{"code": "CAPTCHA_INVALID", "field": "captchaId"}],
    }
    assert await Challenge.filter(kind="SMS_CODE").count() == 0


async def test_another_customers_request_is_not_found(alice: Customer, bob: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    code = await alice.api.last_code(ALICE, "CLOSURE_CODE")
    before = await snapshot()

    answers = [
        await bob.send_code(request_id),
        await bob.verify(request_id, code),
        await bob.confirm(request_id),
        await bob.cancel(request_id),
    ]

    assert [codes(a) for a in answers] == [["NOT_FOUND"]] * 4
    assert await bob.request(request_id) is None
    assert await snapshot() == before
    assert (await alice.request(request_id))["state"] == "CODE_SENT"


@pytest.mark.parametrize(
    "request_id",
    ["", "nonsense", "6c1f0e2a-8d3b-4f51-9a7e-2b4c5d6e7f80", "x" * 10_000],
    ids=["empty", "nonsense", "unknown", "long"],
)
async def test_an_unknown_request_is_not_found(alice: Customer, request_id: str) -> None:
    assert codes(await alice.cancel(request_id)) == ["NOT_FOUND"]
    assert await alice.request(request_id) is None


async def test_the_same_idempotency_key_returns_the_same_request(alice: Customer) -> None:
    first = await alice.start("retry-me")
    again = await alice.start("retry-me")
    other = await alice.start("another-key")

    assert again == first
    assert other["request"] is None
    assert [b["code"] for b in other["blockers"]] == ["CLOSURE_IN_PROGRESS"]
    assert (await alice.eligibility())["openRequest"] == {
        "id": first["request"]["id"],
        "state": "STARTED",
    }
    assert await ClosureRequest.all().count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("idempotencyKey", ""), ("idempotencyKey", "k" * 65), ("comment", "c" * 501)],
)
async def test_start_checks_its_input(alice: Customer, field: str, value: str) -> None:
    variables = {"reason": "OTHER", "comment": "", "idempotencyKey": "k", field: value}
    payload = await alice.call(
        """mutation($i: StartClosureInput!) { startClosure(input: $i) {
        request { id } errors { code field } } }""",
        {"i": variables},
    )

    assert payload == {"request": None, "errors": [{"code": "INVALID_INPUT", "field": field}]}
    assert await ClosureRequest.all().count() == 0


async def test_confirming_needs_the_acknowledgement(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    await alice.verify(request_id)
    before = await snapshot()

    refused = await alice.confirm(request_id, acknowledge=False)

    assert refused["errors"][0]["code"] == "ACKNOWLEDGEMENT_REQUIRED"
    assert refused["errors"][0]["field"] == "acknowledgeIrreversible"
    assert await snapshot() == before


async def test_a_verification_is_good_for_ten_minutes(alice: Customer, clock: FakeClock) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    await alice.verify(request_id)
    clock.advance(timedelta(minutes=10))

    late = await alice.confirm(request_id)
    clock.advance(timedelta(seconds=1))
    resent = await alice.send_code(request_id)
    await alice.verify(request_id)
    confirmed = await alice.confirm(request_id)

    assert codes(late) == ["VERIFICATION_EXPIRED"]
    assert resent["request"]["state"] == "CODE_SENT"
    assert confirmed["request"]["state"] == "CONFIRMED"


async def test_the_closure_code_is_rate_limited_too(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)

    again = await alice.send_code(request_id)

    assert again["resendAfterSeconds"] == 60 and codes(again) == ["RATE_LIMITED"]


async def test_a_cancelled_request_cannot_be_cancelled_again(alice: Customer) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.cancel(request_id)
    before = await snapshot()

    assert codes(await alice.cancel(request_id)) == ["INVALID_STATE"]
    assert await snapshot() == before


async def test_restore_refuses_an_active_account(alice: Customer) -> None:
    await alice.send_restore_code()
    # no SMS goes to an active account: the code cannot be known
    assert [m["purpose"] for m in await alice.api.deliver()] == []
    assert codes(await alice.restore("123456")) == ["CODE_INVALID"]


async def test_a_closing_account_hears_not_active_only_after_proof(
    alice: Customer, api: GraphQL, clock: FakeClock
) -> None:
    request_id = (await alice.start())["request"]["id"]
    await alice.send_code(request_id)
    await alice.verify(request_id)
    await alice.confirm(request_id)
    clock.advance(timedelta(seconds=61))

    wrong_password = await alice.log_in("Wrong-pass-1")
    sent = await api.data(
        """mutation($i: SendLoginCodeInput!) { sendLoginCode(input: $i) {
        errors { code } } }""",
        {"i": {"phone": ALICE, "captchaId": await alice.captcha("LOGIN"), "captchaAnswer": "TEST"}},
    )
    by_code = await alice.call(
        """mutation($i: LoginWithCodeInput!) { loginWithCode(input: $i) {
        token errors { code } } }""",
        {"i": {"phone": ALICE, "deviceName": "", "code": await api.last_code(ALICE, "LOGIN_CODE")}},
    )

    assert codes(wrong_password) == ["INVALID_CREDENTIALS"]
    assert sent == {"sendLoginCode": {"errors": []}}
    assert by_code == {"token": None, "errors": [{"code": "ACCOUNT_NOT_ACTIVE"}]}
    assert codes(await alice.log_in()) == ["ACCOUNT_NOT_ACTIVE"]
