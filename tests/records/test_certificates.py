"""After confirming: the receipt follows the closure, the certificates prove it, anyone checks
them — offline against the published keys with a JOSE library of their own, or by code."""

import base64
import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from pypdf import PdfReader

from models import Account, Certificate, ClosureRequest, StaffRole
from services.clock import FakeClock
from services.records import certificates
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer
from tests.desk import desk
from tests.helpers import GraphQL, unauthenticated, wallet_closure
from tests.operations import (
    CLOSURE_STATUS,
    REQUEST_DATA_EXPORT,
    VERIFY_CLOSURE_CERTIFICATE,
)

PHONE = "+8613900000001"
# joserfc warns that RFC 9864 prefers "Ed25519" to "EdDSA"; the contract names EdDSA.
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


async def closing_customer(api: GraphQL, runtime: Runtime, phone: str = PHONE) -> Customer:
    await factories.account(runtime, phone, card_last4="4321", auto_pay=True)
    person = Customer(api, phone)
    await person.log_in()
    return person


async def closed(api: GraphQL, runtime: Runtime, phone: str = PHONE) -> tuple[str, list[dict]]:
    """A customer who closed with a receipt, after the worker's pass: (the receipt's secret,
    the certificates it reads)."""
    person = await closing_customer(api, runtime, phone)
    _, receipt = await person.close_with_receipt()
    await api.deliver()
    answer = await status(api, receipt["secret"])
    return receipt["secret"], answer["data"]["closureStatus"]["certificates"]


async def status(api: GraphQL, receipt: str) -> dict:
    return await api.post(CLOSURE_STATUS, {"receipt": receipt})


async def verify(api: GraphQL, code: str) -> dict:
    return (await api.data(VERIFY_CLOSURE_CERTIFICATE, {"code": code}))["verifyClosureCertificate"]


async def published_keys(api: GraphQL) -> KeySet:
    response = await api.client.get("/.well-known/closure-certificate-keys.json")
    assert response.status_code == 200
    return KeySet.import_key_set(response.json())


def claims_of(token: str, keys: KeySet) -> dict:
    return json.loads(jws.deserialize_compact(token, keys, algorithms=["EdDSA"]).payload)


async def test_the_receipt_follows_the_request_to_a_certificate_anyone_can_check(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await closing_customer(api, runtime)

    request_id, receipt = await person.close_with_receipt()
    confirmed = (await status(api, receipt["secret"]))["data"]["closureStatus"]
    await api.deliver()
    completed = (await status(api, receipt["secret"]))["data"]["closureStatus"]

    # confirming revoked the session, the receipt still reads the request
    assert unauthenticated(await api.post("query { me { id } }", token=person.token))
    assert receipt["secret"].startswith("rcpt_")
    assert receipt["validUntil"] == (clock.now() + timedelta(days=15 + 90)).isoformat()
    assert (await ClosureRequest.get(id=request_id)).receipt_hash != receipt["secret"]
    assert (confirmed["request"]["state"], confirmed["certificates"]) == ("CONFIRMED", [])
    assert completed["request"]["id"] == request_id
    assert [s["state"] for s in completed["request"]["timeline"]] == [
        "STARTED",
        "CODE_SENT",
        "VERIFIED",
        "CONFIRMED",
        "COMPLETED",
    ]
    assert (
        completed["request"]["recoverableUntil"] == (clock.now() + timedelta(days=15)).isoformat()
    )
    (certificate,) = completed["certificates"]
    assert certificate["kind"] == "CLOSURE"
    # offline: the JWS against the published keys, with another JOSE library than ours
    keys = await published_keys(api)
    header = jws.extract_compact(certificate["jws"].encode()).headers()
    assert header["alg"] == "EdDSA" and header["kid"] in {k.kid for k in keys}
    claims = claims_of(certificate["jws"], keys)
    account = await Account.get(phone=PHONE)
    assert claims["kind"] == "CLOSURE" and claims["jti"] == certificate["id"]
    assert claims["iss"] == "wallet-closure" and claims["request_id"] == request_id
    assert claims["sub"] == certificates.subject(runtime, account.id)
    assert claims["balance_at_closure"] == {"fen": 0, "currency": "CNY"}
    assert (claims["cards_unbound"], claims["agreements_ended"]) == (1, 1)
    assert claims["completed_at"] == completed["request"]["completedAt"]
    assert claims["recoverable_until"] == completed["request"]["recoverableUntil"]
    assert claims["verification_code"] == certificate["verificationCode"]
    assert "13900000001" not in certificate["jws"] + json.dumps(claims)
    # the file behind downloadUrl is the same JWS, for the receipt only
    file = await api.client.get(
        certificate["downloadUrl"], headers={"Authorization": f"Receipt {receipt['secret']}"}
    )
    assert (file.status_code, file.headers["content-type"], file.text) == (
        200,
        "application/jose",
        certificate["jws"],
    )
    assert (await api.client.get(certificate["downloadUrl"])).status_code == 401
    # online: by the code printed on it, however it is typed
    checked = await verify(api, certificate["verificationCode"].lower().replace("-", " "))
    assert checked == {
        "valid": True,
        "kind": "CLOSURE",
        "issuedAt": certificate["issuedAt"],
        "completedAt": completed["request"]["completedAt"],
        "purgedAt": None,
    }


async def test_a_certificate_with_one_claim_changed_does_not_verify(
    api: GraphQL, runtime: Runtime
) -> None:
    _, (certificate,) = await closed(api, runtime)
    token = certificate["jws"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    forged_claims = {**claims, "balance_at_closure": {"fen": 100, "currency": "CNY"}}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=")
    forged = ".".join([header, forged_payload.decode(), signature])

    keys = await published_keys(api)
    assert claims_of(token, keys) == claims
    with pytest.raises(BadSignatureError):
        claims_of(forged, keys)
    with pytest.raises(certificates.NotValid):
        certificates.check(
            forged, (await api.client.get("/.well-known/closure-certificate-keys.json")).json()
        )


async def test_an_unknown_code_says_only_that_it_is_not_valid(api: GraphQL) -> None:
    for code in ["0000-0000-0000-0000", "", "x" * 200]:
        assert await verify(api, code) == {
            "valid": False,
            "kind": None,
            "issuedAt": None,
            "completedAt": None,
            "purgedAt": None,
        }


async def test_rotated_keys_keep_every_certificate_verifiable(
    api: GraphQL, runtime: Runtime
) -> None:
    _, (before,) = await closed(api, runtime)

    await certificates.rotate(runtime)
    _, (after,) = await closed(api, runtime, "+8613900000002")

    keys = await published_keys(api)
    assert len(keys.keys) == 2
    kid_before = jws.extract_compact(before["jws"].encode()).headers()["kid"]
    kid_after = jws.extract_compact(after["jws"].encode()).headers()["kid"]
    assert kid_before != kid_after
    assert claims_of(before["jws"], keys)["jti"] == before["id"]
    assert claims_of(after["jws"], keys)["jti"] == after["id"]


async def test_a_restore_revokes_the_receipt_and_the_closure_certificate(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = Customer(api, PHONE)
    secret, (certificate,) = await closed(api, runtime)

    clock.advance(timedelta(minutes=2))
    await person.send_restore_code()
    restored = await person.restore()

    assert restored["errors"] == []
    assert unauthenticated(await status(api, secret))
    checked = await verify(api, certificate["verificationCode"])
    assert (checked["valid"], checked["kind"]) == (False, "CLOSURE")
    assert (await Certificate.get(id=certificate["id"])).revoked_at == clock.now()


async def test_with_no_recovery_window_both_certificates_come_at_completion(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    runtime.rules = replace(runtime.rules, recovery_window=timedelta(0))
    person = await closing_customer(api, runtime)
    _, receipt = await person.close_with_receipt()

    await api.deliver()
    closed = (await status(api, receipt["secret"]))["data"]["closureStatus"]

    assert [c["kind"] for c in closed["certificates"]] == ["CLOSURE", "ERASURE"]
    erasure = closed["certificates"][1]
    claims = claims_of(erasure["jws"], await published_keys(api))
    account = await Account.get(
        id=(await ClosureRequest.get(id=closed["request"]["id"])).account_id
    )
    assert account.purged_at is not None and account.phone is None
    assert claims["purged_at"] == account.purged_at.isoformat()
    assert claims["erased"] == [
        "phone",
        "name",
        "password_hash",
        "card_numbers",
        "device_names",
        "payees",
    ]
    assert [k["what"] for k in claims["kept"]] == [
        "pseudonymised_ledger",
        "audit_chain_without_personal_data",
    ]
    assert claims["kept"][0]["until"] == (account.purged_at + runtime.rules.retention).isoformat()
    assert claims["legal_hold_delayed"] is False
    checked = await verify(api, erasure["verificationCode"])
    assert (checked["valid"], checked["kind"], checked["purgedAt"]) == (
        True,
        "ERASURE",
        account.purged_at.isoformat(),
    )
    # the receipt lasts 90 days after the purge, then it is gone
    clock.advance(timedelta(days=90) - timedelta(seconds=1))
    assert "errors" not in await status(api, receipt["secret"])
    clock.advance(timedelta(seconds=1))
    assert unauthenticated(await status(api, receipt["secret"]))


async def test_the_export_asked_for_before_confirming_downloads_by_receipt(
    api: GraphQL, runtime: Runtime
) -> None:
    person = await closing_customer(api, runtime)
    requested = await person.call(REQUEST_DATA_EXPORT, {"input": {"format": "JSON"}})
    await api.deliver()

    _, receipt = await person.close_with_receipt()
    export = (await status(api, receipt["secret"]))["data"]["closureStatus"]["dataExport"]
    by_receipt = {"Authorization": f"Receipt {receipt['secret']}"}
    first = await api.client.get(export["downloadUrl"], headers=by_receipt)
    again = await api.client.get(export["downloadUrl"], headers=by_receipt)
    unknown = await api.client.get(
        export["downloadUrl"].replace(export["id"], "00000000-0000-4000-8000-000000000000"),
        headers=by_receipt,
    )
    forged = await api.client.get(
        export["downloadUrl"], headers={"Authorization": "Receipt rcpt_forged"}
    )

    assert export["id"] == requested["export"]["id"] and export["status"] == "READY"
    assert first.status_code == again.status_code == 200
    assert json.loads(first.text)["profile"]["phone"] == PHONE and again.text == first.text
    assert (unknown.status_code, forged.status_code) == (404, 401)


async def test_unknown_receipts_are_unauthenticated_and_reads_are_rate_limited(
    api: GraphQL, runtime: Runtime
) -> None:
    runtime.rules = replace(runtime.rules, receipt_reads_per_client_per_minute=3)

    answers = [await status(api, receipt) for receipt in ["rcpt_unknown", "", "x" * 500]]
    limited = await status(api, "rcpt_unknown")

    assert all(unauthenticated(a) for a in answers)
    assert [e["extensions"]["code"] for e in limited["errors"]] == ["RATE_LIMITED"]
    assert (await verify(api, "0000-0000-0000-0000"))["valid"] is False


async def test_the_command_line_rotates_keys_and_checks_a_certificate_offline(
    api: GraphQL, runtime: Runtime, orm: str, tmp_path: Path
) -> None:
    _, (certificate,) = await closed(api, runtime)
    token = certificate["jws"]
    env = {"WALLET_DATABASE_URL": orm, "WALLET_SECRET_KEY": TEST_SECRET.decode()}

    rotated = wallet_closure("certificate-keys", "rotate", cwd=tmp_path, env=env)
    keys = (await api.client.get("/.well-known/closure-certificate-keys.json")).text
    (tmp_path / "keys.json").write_text(keys)
    (tmp_path / "good.jws").write_text(token)
    header, payload, signature = token.split(".")
    (tmp_path / "forged.jws").write_text(".".join([header, payload[:-2] + "AA", signature]))
    good = wallet_closure("verify-certificate", "good.jws", "--keys", "keys.json", cwd=tmp_path)
    forged = wallet_closure("verify-certificate", "forged.jws", "--keys", "keys.json", cwd=tmp_path)

    assert rotated.returncode == 0 and "signing with key" in rotated.stdout
    assert len(json.loads(keys)["keys"]) == 2
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("valid closure certificate, signed with key ")
    assert (forged.returncode, forged.stdout.split(":")[0]) == (1, "not valid")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


async def test_each_certificate_prints_as_a_one_page_pdf_with_its_text_extractable(
    api: GraphQL, runtime: Runtime
) -> None:
    runtime.rules = replace(runtime.rules, recovery_window=timedelta(0))
    secret, (closure, erasure) = await closed(api, runtime)
    by_receipt = {"Authorization": f"Receipt {secret}"}

    printed = [await api.client.get(c["pdfUrl"], headers=by_receipt) for c in (closure, erasure)]
    anonymous = await api.client.get(closure["pdfUrl"])

    assert [(p.status_code, p.headers["content-type"]) for p in printed] == [
        (200, "application/pdf")
    ] * 2
    assert anonymous.status_code == 401
    closure_text, erasure_text = (pdf_text(p.content) for p in printed)
    kid = jws.extract_compact(closure["jws"].encode()).headers()["kid"]
    for text, certificate in ((closure_text, closure), (erasure_text, erasure)):
        assert certificate["verificationCode"] in text and certificate["id"] in text
        assert kid in text and "13900000001" not in text
    assert "注销证明" in closure_text and "Closure certificate" in closure_text
    assert "¥0.00" in closure_text
    assert "个人信息删除证明" in erasure_text and "pseudonymised ledger" in erasure_text


async def test_a_legal_hold_that_delayed_the_erasure_is_stated_and_the_desk_sees_both(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await closing_customer(api, runtime)
    _, receipt = await person.close_with_receipt()
    await api.deliver()
    supervisor = await desk(api, runtime, "lihua", StaffRole.SUPERVISOR)
    auditor = await desk(api, runtime, "zhao", StaffRole.AUDITOR)
    account = await Account.get(phone=PHONE)
    hold = {"customerId": str(account.id), "reason": "court order 2026-17"}

    await supervisor.call("SetLegalHold", {"input": {**hold, "hold": True}})
    clock.advance(timedelta(days=16))
    await api.deliver()
    held = (await status(api, receipt["secret"]))["data"]["closureStatus"]["certificates"]
    await supervisor.log_in(runtime)  # staff sessions last 12 hours
    await auditor.log_in(runtime)
    await supervisor.call("SetLegalHold", {"input": {**hold, "hold": False}})
    await api.deliver()
    after = (await status(api, receipt["secret"]))["data"]["closureStatus"]["certificates"]
    seen = await auditor.api.client.post(
        "/staff/graphql",
        headers={"Authorization": f"Bearer {auditor.token}"},
        json={
            "query": "query($id: ID!) { customerById(id: $id) { certificates { id kind issuedAt "
            "verificationCode revokedAt } } }",
            "variables": {"id": str(account.id)},
        },
    )

    assert [c["kind"] for c in held] == ["CLOSURE"]  # not purged while held
    assert [c["kind"] for c in after] == ["CLOSURE", "ERASURE"]
    assert claims_of(after[1]["jws"], await published_keys(api))["legal_hold_delayed"] is True
    assert seen.json()["data"]["customerById"]["certificates"] == [
        {
            "id": c["id"],
            "kind": c["kind"],
            "issuedAt": c["issuedAt"],
            "verificationCode": c["verificationCode"],
            "revokedAt": None,
        }
        for c in after
    ]
