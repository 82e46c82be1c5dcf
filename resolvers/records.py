"""Records the customer keeps: data exports, the closure receipt's view, and the check of a
certificate by its code."""

import strawberry
from strawberry.types import Info

from models import Certificate as CertificateModel
from models import DataExport as DataExportModel
from resolvers.closure import request_of
from resolvers.common import (
    errors_as_data,
    require_account,
    require_caller,
    top_level_error,
    unauthenticated,
)
from resolvers.context import Context
from schema.types import (
    Certificate,
    CertificateVerification,
    ClosureStatus,
    DataExport,
    RequestDataExportInput,
    RequestDataExportPayload,
)
from services.closure import receipts
from services.errors import DomainError
from services.records import certificates, exports

Ctx = Info[Context, None]


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


def certificate_of(info: Ctx, certificate: CertificateModel) -> Certificate:
    base = info.context.links
    return Certificate(
        id=strawberry.ID(str(certificate.id)),
        kind=certificate.kind,
        issued_at=certificate.issued_at,
        verification_code=certificates.display_code(certificate.verification_code),
        jws=certificate.jws,
        download_url=f"{base}/certificates/{certificate.id}",
        pdf_url=f"{base}/certificates/{certificate.id}/pdf",
        revoked_at=certificate.revoked_at,
    )


async def closure_status(info: Ctx, receipt: str) -> ClosureStatus:
    try:
        request = await receipts.open_request(
            info.context.runtime, receipt, client=info.context.client
        )
    except receipts.ReceiptRefused:
        raise unauthenticated(info.context.lang, "RECEIPT_REFUSED") from None
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    export = await receipts.data_export(request)
    return ClosureStatus(
        request=await request_of(request),
        certificates=[certificate_of(info, c) for c in await certificates.of_request(request.id)],
        data_export=export_of(info, export) if export else None,
    )


async def verify_closure_certificate(info: Ctx, code: str) -> CertificateVerification:
    try:
        certificate = await certificates.by_code(
            info.context.runtime, code, client=info.context.client
        )
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    if certificate is None:
        return CertificateVerification(valid=False)
    return CertificateVerification(
        valid=certificate.revoked_at is None,
        kind=certificate.kind,
        issued_at=certificate.issued_at,
        completed_at=certificate.completed_at,
        purged_at=certificate.purged_at,
        revoked_at=certificate.revoked_at,
    )
