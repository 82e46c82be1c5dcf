"""The review rules (spec §9), one at a time, at and just below their thresholds."""

from datetime import timedelta
from uuid import uuid4

import pytest

from models import Account, BankCard, FailedLogin, Session, Withdrawal, WithdrawalStatus
from services.closure import review
from services.closure.review import ReviewReason
from services.identity import codes
from services.runtime import Runtime
from tests import factories


async def session(rt: Runtime, account: Account, device: str, age: timedelta) -> Session:
    at = rt.clock.now() - age
    return await Session.create(
        account=account,
        token_hash=uuid4().hex,
        device_name=device,
        created_at=at,
        last_seen_at=at,
        expires_at=at + timedelta(days=30),
    )


async def test_a_plain_confirmation_trips_no_rule(runtime: Runtime) -> None:
    account = await factories.account(runtime)
    confirming = await session(runtime, account, "iPhone", timedelta(days=3))
    assert await review.reasons(runtime, account, confirming) == []


@pytest.mark.parametrize(
    ("failures", "hours_ago", "held"), [(5, 23, True), (4, 1, False), (5, 25, False)]
)
async def test_recent_failed_logins(
    runtime: Runtime, failures: int, hours_ago: int, held: bool
) -> None:
    account = await factories.account(runtime)
    assert account.phone is not None
    for _ in range(failures):
        await FailedLogin.create(
            phone_key=codes.phone_key(runtime, account.phone),
            at=runtime.clock.now() - timedelta(hours=hours_ago),
        )
    confirming = await session(runtime, account, "iPhone", timedelta(days=3))

    found = await review.reasons(runtime, account, confirming)

    assert found == ([ReviewReason.RECENT_FAILED_LOGINS] if held else [])


@pytest.mark.parametrize(
    ("new_device", "age_hours", "older_live", "held"),
    [
        ("Unknown Android", 2, True, True),  # a fresh device while the owner's phone is live
        ("Unknown Android", 25, True, False),  # not new any more
        ("Unknown Android", 2, False, False),  # no other device: the owner's only phone
        ("iPhone", 2, True, False),  # a device the account used before
    ],
)
async def test_new_device(
    runtime: Runtime, new_device: str, age_hours: int, older_live: bool, held: bool
) -> None:
    account = await factories.account(runtime)
    older = await session(runtime, account, "iPhone", timedelta(days=40 if older_live else 60))
    if older_live:
        older.expires_at = runtime.clock.now() + timedelta(days=5)
        await older.save(update_fields=["expires_at"])
    confirming = await session(runtime, account, new_device, timedelta(hours=age_hours))

    found = await review.reasons(runtime, account, confirming)

    assert found == ([ReviewReason.NEW_DEVICE] if held else [])


@pytest.mark.parametrize(
    ("amounts", "failed", "held"),
    [([300_000, 200_000], False, True), ([499_999], False, False), ([500_000], True, False)],
)
async def test_large_recent_withdrawal(
    runtime: Runtime, amounts: list[int], failed: bool, held: bool
) -> None:
    account = await factories.account(runtime)
    card = await BankCard.create(
        account=account, bank_name="b", last4="1", bound_at=runtime.clock.now()
    )
    for n, fen in enumerate(amounts):
        await Withdrawal.create(
            account=account,
            card=card,
            movement_id=uuid4(),
            amount_fen=fen,
            status=WithdrawalStatus.FAILED if failed else WithdrawalStatus.SETTLED,
            idempotency_key=f"k{n}",
            created_at=runtime.clock.now() - timedelta(hours=3),
        )
    confirming = await session(runtime, account, "iPhone", timedelta(days=3))

    found = await review.reasons(runtime, account, confirming)

    assert found == ([ReviewReason.LARGE_RECENT_WITHDRAWAL] if held else [])
