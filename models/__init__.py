"""Tortoise models, one module per aggregate; this package is the Tortoise app `models`."""

from models.account import Account, AccountStatus, AutoPayAgreement, BankCard
from models.audit import AuditEntry
from models.closure import ClosureReason, ClosureRequest, ClosureState, ClosureStep
from models.export import DataExport, ExportFormat, ExportStatus
from models.ledger import (
    Book,
    EntryStatus,
    LedgerEntry,
    MovementKind,
    PayoutCallback,
    Withdrawal,
    WithdrawalStatus,
)
from models.outbox import OutboxMessage, OutboxStatus
from models.session import Session
from models.verification import Challenge, ChallengeKind, PasswordThrottle, Purpose

__all__ = [
    "Account",
    "AccountStatus",
    "AuditEntry",
    "AutoPayAgreement",
    "BankCard",
    "Book",
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
    "LedgerEntry",
    "MovementKind",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordThrottle",
    "PayoutCallback",
    "Purpose",
    "Session",
    "Withdrawal",
    "WithdrawalStatus",
]
