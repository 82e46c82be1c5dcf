import strawberry
from strawberry.types import Info

from models import DataExport as DataExportModel
from models import Withdrawal as WithdrawalModel
from resolvers.common import errors_as_data, require_account, require_caller
from resolvers.context import Context
from schema.types import (
    DataExport,
    Money,
    RequestDataExportInput,
    RequestDataExportPayload,
    Withdrawal,
    WithdrawBalanceInput,
    WithdrawBalancePayload,
)
from services import currency
from services.money import withdrawals
from services.records import exports

Ctx = Info[Context, None]


def money_of(fen: int) -> Money:
    return Money(fen=fen, currency=currency.CURRENCY, display=currency.display(fen))


def withdrawal_of(w: WithdrawalModel) -> Withdrawal:
    return Withdrawal(id=strawberry.ID(str(w.id)), status=w.status, amount=money_of(w.amount_fen))


def export_of(info: Ctx, export: DataExportModel) -> DataExport:
    path = exports.link(export)
    return DataExport(
        id=strawberry.ID(str(export.id)),
        status=export.status,
        format=export.format,
        expires_at=export.expires_at,
        download_url=info.context.links + path if path else None,
    )


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


@errors_as_data
async def request_data_export(
    info: Ctx,
    input: RequestDataExportInput,
) -> RequestDataExportPayload:
    account = await require_account(info)
    export = await exports.request(info.context.runtime, account, input.format)
    return RequestDataExportPayload(export=export_of(info, export))


async def data_export(info: Ctx, id: strawberry.ID) -> DataExport | None:
    caller = await require_caller(info)
    export = await exports.find(caller.account_id, id)
    return export_of(info, export) if export else None
