"""Tortoise models, one module per aggregate; this package is the Tortoise app `models`."""

from models.account import Account, AccountStatus, AutoPayAgreement, BankCard
from models.audit import AuditEntry
from models.certificate import Certificate, CertificateKind, SigningKey
from models.closure import ClosureReason, ClosureRequest, ClosureState, ClosureStep
from models.export import DataExport, ExportFormat, ExportStatus
from models.ledger import (
    Book,
    EntryStatus,
    LedgerEntry,
    MovementKind,
    PayoutCallback,
    WalletBalance,
    Withdrawal,
    WithdrawalStatus,
)
from models.outbox import OutboxMessage, OutboxStatus
from models.session import Session
from models.staff import (
    OfflineRefund,
    RefundStatus,
    StaffAuditEntry,
    StaffRole,
    StaffSession,
    StaffUser,
)
from models.trusted import AppManifest, ManifestDocument
from models.verification import Challenge, ChallengeKind, FailedLogin, PasswordThrottle, Purpose

__all__ = [
    "Account",
    "AccountStatus",
    "AppManifest",
    "AuditEntry",
    "AutoPayAgreement",
    "BankCard",
    "Book",
    "Certificate",
    "CertificateKind",
    "Challenge",
    "ChallengeKind",
    "ClosureReason",
    "ClosureRequest",
    "ClosureState",
    "ClosureStep",
    "DataExport",
    "EntryStatus",
    "ExportFormat",
    "ExportStatus",
    "FailedLogin",
    "LedgerEntry",
    "ManifestDocument",
    "MovementKind",
    "OfflineRefund",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordThrottle",
    "PayoutCallback",
    "Purpose",
    "RefundStatus",
    "Session",
    "SigningKey",
    "StaffAuditEntry",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "WalletBalance",
    "Withdrawal",
    "WithdrawalStatus",
]
