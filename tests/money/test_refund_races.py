"""On PostgreSQL: a supervisor approving an offline refund while the customer withdraws the
same money and confirms closure. Whatever wins, no more than the balance moves and no money
is left in a closing account."""

import asyncio
import contextlib
from datetime import timedelta

import pytest

from models import (
    Account,
    AccountStatus,
    ClosureReason,
    ClosureRequest,
    OfflineRefund,
    RefundStatus,
    Session,
    StaffRole,
    Withdrawal,
)
from services.actors import Forbidden
from services.closure import flow
from services.closure.machine import State
from services.errors import DomainError
from services.money import ledger, refunds, withdrawals
from services.runtime import Runtime
from services.support import staff
from tests import factories

pytestmark = pytest.mark.postgres
ROUNDS = 20


async def quietly(operation) -> None:
    with contextlib.suppress(DomainError, Forbidden):  # a refusal is fine; the checks judge
        await operation


async def test_a_refund_approval_racing_a_withdrawal_and_a_confirmation(runtime: Runtime) -> None:
    maker = await staff.add(
        runtime, username="maker", password="Maker-pass-1", role=StaffRole.AGENT
    )
    checker = await staff.add(
        runtime, username="checker", password="Check-pass-1", role=StaffRole.SUPERVISOR
    )
    now = runtime.clock.now()
    for i in range(ROUNDS):
        fen = 1_000 + i
        account = await factories.account(runtime, f"137{i:08d}", fen=fen, card_last4="0000")
        card = await account.cards.all().first()
        assert card is not None
        request = await ClosureRequest.create(
            account=account,
            state=State.VERIFIED,
            reason=ClosureReason.OTHER,
            idempotency_key="k",
            created_at=now,
            expires_at=now + timedelta(minutes=30),
            verified_at=now,
        )
        session = await Session.create(
            account=account,
            token_hash=f"t-{i}",
            device_name="p",
            created_at=now - timedelta(days=7),
            last_seen_at=now,
            expires_at=now + timedelta(days=30),
        )
        session = await Session.get(id=session.id).select_related("account")
        refund = await refunds.propose(
            runtime,
            maker,
            customer_id=str(account.id),
            payee_name="张三",
            payee_bank="中国银行",
            payee_account="6222020000001234",
            note="",
            idempotency_key="r",
        )

        await asyncio.gather(
            quietly(refunds.approve(runtime, checker, refund_id=str(refund.id), note="")),
            quietly(
                withdrawals.withdraw(
                    runtime, account, card_id=str(card.id), fen=None, idempotency_key="w"
                )
            ),
            quietly(
                flow.confirm(
                    runtime, session, request_id=str(request.id), acknowledged=True, lang="en"
                )
            ),
        )

        balance = await ledger.balance(account.id)
        refunded = await OfflineRefund.filter(id=refund.id, status=RefundStatus.APPROVED).count()
        withdrawn = sum(
            await Withdrawal.filter(account_id=account.id).values_list("amount_fen", flat=True)
        )
        status = (await Account.get(id=account.id)).status
        assert refunded * fen + withdrawn <= fen, i  # never more than the balance
        assert balance.available_fen == fen - refunded * fen - withdrawn, i
        assert balance.available_fen >= 0
        if status == AccountStatus.CLOSING:  # confirmed: nothing left, nothing pending
            assert (balance.settled_fen, balance.pending_out_fen) == (0, 0), i
        assert not (refunded and withdrawn), i  # one of the two took the money
