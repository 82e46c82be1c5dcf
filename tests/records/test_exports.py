"""Backing up before closing: an export built by the worker, downloadable for 24 hours."""

import csv
import io
import json
from datetime import timedelta

from models import AuditEntry, DataExport, LedgerEntry
from services.clock import FakeClock
from services.runtime import Runtime
from tests import factories
from tests.customer import Customer, codes
from tests.helpers import GraphQL
from tests.operations import DATA_EXPORT, REQUEST_DATA_EXPORT

PHONE = "+8613900000001"


async def customer_with_history(api: GraphQL, runtime: Runtime) -> Customer:
    await factories.account(runtime, PHONE, fen=12_850, card_last4="6789")
    await factories.top_up_and_spend(runtime, PHONE, 1_000)
    person = Customer(api, PHONE)
    await person.log_in()
    return person


async def ready_export(api: GraphQL, person: Customer, export_format: str) -> dict:
    requested = await person.call(REQUEST_DATA_EXPORT, {"input": {"format": export_format}})
    assert requested["errors"] == [] and requested["export"]["status"] == "PENDING"
    await api.deliver()
    return await person.call(DATA_EXPORT, {"id": requested["export"]["id"]})


async def download(api: GraphQL, person: Customer, url: str):
    return await api.client.get(url, headers={"Authorization": f"Bearer {person.token}"})


async def ledger_rows(phone: str) -> list[tuple[int, int, str]]:
    return [
        (e.id, e.amount_fen, e.status.value)
        for e in await LedgerEntry.filter(account__phone=phone, book="WALLET").order_by("id")
    ]


async def test_a_json_export_matches_the_ledger_and_downloads_again_within_its_day(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await customer_with_history(api, runtime)

    export = await ready_export(api, person, "JSON")
    response = await download(api, person, export["downloadUrl"])
    second = await download(api, person, export["downloadUrl"])

    assert export["status"] == "READY"
    assert export["expiresAt"] == (clock.now() + timedelta(hours=24)).isoformat()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert 'filename="wallet-export.json"' in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["profile"]["phone"] == PHONE
    assert [c["last4"] for c in data["cards"]] == ["6789"]
    assert [(t["id"], t["amountFen"], t["status"]) for t in data["transactions"]] == (
        await ledger_rows(PHONE)
    )
    # a download that a mobile network dropped is simply asked for again
    assert (second.status_code, second.text) == (200, response.text)
    assert (await person.call(DATA_EXPORT, {"id": export["id"]}))["status"] == "DOWNLOADED"
    assert await AuditEntry.filter(action="DATA_EXPORT_DOWNLOADED").count() == 2
    clock.advance(timedelta(hours=24))
    await api.deliver()
    assert (await download(api, person, export["downloadUrl"])).status_code == 404
    assert (await DataExport.get(id=export["id"])).content is None


async def test_a_csv_export_opens_as_csv(api: GraphQL, runtime: Runtime) -> None:
    person = await customer_with_history(api, runtime)

    export = await ready_export(api, person, "CSV")
    response = await download(api, person, export["downloadUrl"])

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["record"] for r in rows] == ["profile", "card"] + ["transaction"] * 3
    assert [(int(r["id"]), int(r["amount_fen"]), r["status"]) for r in rows[2:]] == (
        await ledger_rows(PHONE)
    )
    assert sum(int(r["amount_fen"]) for r in rows[2:]) == 12_850


async def test_another_customer_cannot_download_it(api: GraphQL, runtime: Runtime) -> None:
    person = await customer_with_history(api, runtime)
    await factories.account(runtime, "+8613900000002")
    other = Customer(api, "+8613900000002")
    await other.log_in()
    export = await ready_export(api, person, "JSON")

    stolen = await download(api, other, export["downloadUrl"])
    anonymous = await api.client.get(export["downloadUrl"])

    assert (stolen.status_code, anonymous.status_code) == (404, 401)
    assert await other.call(DATA_EXPORT, {"id": export["id"]}) is None
    assert (await download(api, person, export["downloadUrl"])).status_code == 200


async def test_the_link_holds_no_secret_and_an_unknown_one_does_not_download(
    api: GraphQL, runtime: Runtime
) -> None:
    person = await customer_with_history(api, runtime)
    export = await ready_export(api, person, "JSON")

    unknown = await download(
        api,
        person,
        export["downloadUrl"].replace(export["id"], "00000000-0000-4000-8000-000000000000"),
    )

    assert export["downloadUrl"] == f"http://wallet.test/exports/{export['id']}/download"
    assert unknown.status_code == 404
    response = await download(api, person, export["downloadUrl"])
    assert (response.status_code, response.headers["cache-control"]) == (200, "no-store")


async def test_the_link_expires_after_24_hours(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await customer_with_history(api, runtime)
    export = await ready_export(api, person, "JSON")
    clock.advance(timedelta(hours=24))
    await api.deliver()

    late = await download(api, person, export["downloadUrl"])

    assert late.status_code == 404
    assert (await person.call(DATA_EXPORT, {"id": export["id"]}))["status"] == "EXPIRED"


async def test_one_export_per_hour(api: GraphQL, runtime: Runtime, clock: FakeClock) -> None:
    person = await customer_with_history(api, runtime)
    await ready_export(api, person, "JSON")
    clock.advance(timedelta(minutes=59))

    refused = await person.call(REQUEST_DATA_EXPORT, {"input": {"format": "CSV"}})
    clock.advance(timedelta(minutes=1))
    allowed = await person.call(REQUEST_DATA_EXPORT, {"input": {"format": "CSV"}})

    assert codes(refused) == ["RATE_LIMITED"] and refused["export"] is None
    assert allowed["errors"] == []
