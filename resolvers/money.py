import strawberry
from strawberry.types import Info

from models import Withdrawal as WithdrawalModel
from resolvers.common import errors_as_data, require_account
from resolvers.context import Context
from schema.types import (
    Money,
    Withdrawal,
    WithdrawBalanceInput,
    WithdrawBalancePayload,
)
from services import currency
from services.money import withdrawals

Ctx = Info[Context, None]


def money_of(fen: int) -> Money:
    return Money(fen=fen, currency=currency.CURRENCY, display=currency.display(fen))


def withdrawal_of(w: WithdrawalModel) -> Withdrawal:
    return Withdrawal(id=strawberry.ID(str(w.id)), status=w.status, amount=money_of(w.amount_fen))


@errors_as_data
async def withdraw_balance(info: Ctx, input: WithdrawBalanceInput) -> WithdrawBalancePayload:
    account = await require_account(info)
    withdrawal = await withdrawals.withdraw(
        info.context.runtime,
        account,
        card_id=input.card_id,
        fen=input.fen,
        idempotency_key=input.idempotency_key,
    )
    return WithdrawBalancePayload(withdrawal=withdrawal_of(withdrawal))
