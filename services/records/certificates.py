"""Certificates of closure and of erasure: JWS (EdDSA, Ed25519) that anyone can check offline
against the published keys, or online by the verification code printed on them.

The claims name the account by a pseudonymous reference (an HMAC of its id), never by phone
number or name, so a certificate is kept as it is after the purge."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from tortoise.transactions import in_transaction

from models import Certificate, CertificateKind, ClosureRequest, SigningKey, StaffAuditEntry
from services import throttle
from services.crypto import keyed_hash, vault
from services.records.staff_audit import StaffAuditAction
from services.runtime import Runtime

ALGORITHM = "EdDSA"
JWS_MEDIA_TYPE = "application/jose"
# Crockford's base32: no I, L, O, U; read back case-insensitively, O as 0 and I, L as 1.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits
ERASED = ["phone", "name", "password_hash", "card_numbers", "device_names", "payees"]


@dataclass(frozen=True)
class Closure:
    """What a closure certificate states, as the completing job saw it."""

    request: ClosureRequest
    balance_fen: int
    cards_unbound: int
    agreements_ended: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwk(public_key: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": public_key}


def thumbprint(public_key: str) -> str:
    """RFC 7638: the SHA-256 of the JWK's required members in lexical order."""
    members = json.dumps(_jwk(public_key), sort_keys=True, separators=(",", ":"))
    return _b64(hashlib.sha256(members.encode()).digest())


def _vault(rt: Runtime) -> Any:
    return vault(rt.secret, "certificate-signing-keys")


async def rotate(rt: Runtime) -> SigningKey:
    """A new signing key; the ones before it stop signing and stay published."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = _b64(
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    )
    now = rt.clock.now()
    async with in_transaction():
        await SigningKey.filter(retired_at__isnull=True).update(retired_at=now)
        return await SigningKey.create(
            id=thumbprint(public),
            public_key=public,
            created_at=now,
            private_key_encrypted=_vault(rt).encrypt(raw).decode(),
        )


async def _signing_key(rt: Runtime) -> tuple[SigningKey, Ed25519PrivateKey]:
    key = await SigningKey.filter(retired_at__isnull=True).order_by("-created_at").first()
    if key is None:  # the first certificate makes the first key
        key = await rotate(rt)
    raw = _vault(rt).decrypt(key.private_key_encrypted.encode())
    return key, Ed25519PrivateKey.from_private_bytes(raw)


async def key_set() -> dict[str, list[dict[str, str]]]:
    """Every public key, signing or retired, as a JWKS."""
    keys = await SigningKey.all().order_by("created_at")
    return {
        "keys": [{**_jwk(k.public_key), "kid": k.id, "alg": ALGORITHM, "use": "sig"} for k in keys]
    }


def subject(rt: Runtime, account_id: UUID) -> str:
    """The account as certificates name it: stable, and meaningless without the secret key."""
    return "acct_" + keyed_hash(rt.secret, "certificate-subject", str(account_id))[:32]


def normalize_code(code: str) -> str:
    cleaned = code.upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans("OIL", "011"))


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _time(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at else None


async def _issue(
    rt: Runtime,
    request: ClosureRequest,
    kind: CertificateKind,
    *,
    purged_at: datetime | None,
    claims: dict[str, Any],
) -> Certificate:
    key, private = await _signing_key(rt)
    now = rt.clock.now()
    certificate_id = uuid4()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    assert request.completed_at is not None
    body = {
        "iss": rt.rules.certificate_issuer,
        "jti": str(certificate_id),
        "kind": kind.value,
        "sub": subject(rt, request.account_id),
        "iat": int(now.timestamp()),
        "verification_code": display_code(code),
        "request_id": str(request.id),
        "requested_at": _time(request.created_at),
        "confirmed_at": _time(request.confirmed_at),
        "completed_at": _time(request.completed_at),
        "recoverable_until": _time(request.recoverable_until),
        **claims,
    }
    token = jwt.encode(body, private, algorithm=ALGORITHM, headers={"kid": key.id})
    return await Certificate.create(
        id=certificate_id,
        request_id=request.id,
        account_id=request.account_id,
        kind=kind,
        verification_code=code,
        key_id=key.id,
        jws=token,
        issued_at=now,
        completed_at=request.completed_at,
        purged_at=purged_at,
    )


async def issue_closure(rt: Runtime, closure: Closure) -> Certificate:
    """Inside the completing transaction: the account is closed, this says so."""
    return await _issue(
        rt,
        closure.request,
        CertificateKind.CLOSURE,
        purged_at=None,
        claims={
            "balance_at_closure": {"fen": closure.balance_fen, "currency": "CNY"},
            "cards_unbound": closure.cards_unbound,
            "agreements_ended": closure.agreements_ended,
        },
    )


async def issue_erasure(
    rt: Runtime, account_id: UUID, *, purged_at: datetime
) -> Certificate | None:
    """Inside the purging transaction: what was erased, and what is kept, until when, why."""
    request = await (
        ClosureRequest.filter(account_id=account_id, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )
    if request is None:
        return None
    held = await StaffAuditEntry.filter(
        account_id=account_id, action=StaffAuditAction.LEGAL_HOLD_SET.value
    ).exists()
    delayed = (
        held and request.recoverable_until is not None and (purged_at > request.recoverable_until)
    )
    await Certificate.filter(request_id=request.id).update(purged_at=purged_at)
    return await _issue(
        rt,
        request,
        CertificateKind.ERASURE,
        purged_at=purged_at,
        claims={
            "purged_at": _time(purged_at),
            "erased": ERASED,
            "legal_hold_delayed": delayed,
            "kept": [
                {
                    "what": "pseudonymised_ledger",
                    "until": _time(purged_at + rt.rules.retention),
                    "why": "financial records retention (PRC anti-money-laundering law)",
                },
                {
                    "what": "audit_chain_without_personal_data",
                    "until": None,
                    "why": "tamper-evident record of what was done to the account",
                },
            ],
        },
    )


async def revoke(rt: Runtime, request_id: UUID) -> None:
    """A restore takes the closure back: its certificate no longer verifies online."""
    await Certificate.filter(request_id=request_id, revoked_at__isnull=True).update(
        revoked_at=rt.clock.now()
    )


# Oldest first; with no recovery window both are issued in the same pass, at the same time:
# the closure's comes first, as the kinds sort.
IN_ORDER = ("issued_at", "kind")


async def of_request(request_id: UUID) -> list[Certificate]:
    return await Certificate.filter(request_id=request_id).order_by(*IN_ORDER)


async def of_account(account_id: UUID) -> list[Certificate]:
    return await Certificate.filter(account_id=account_id).order_by(*IN_ORDER)


async def by_code(rt: Runtime, code: str, *, client: str) -> Certificate | None:
    """RATE_LIMITED when one address checks too many codes a minute (codes are unguessable,
    and stay so)."""
    await throttle.per_minute(
        rt, "certificate-client", client, rt.rules.receipt_reads_per_client_per_minute
    )
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        return None
    return await Certificate.get_or_none(verification_code=normalized)


@dataclass(frozen=True)
class Checked:
    claims: dict[str, Any]
    key_id: str


class NotValid(Exception):
    """The token is not a certificate signed by one of the published keys."""


def check(token: str, key_set: dict[str, Any]) -> Checked:
    """The offline check anyone can make: the signature against the JWKS, by `kid`."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise NotValid(f"not a JWS: {error}") from None
    if header.get("alg") != ALGORITHM:
        raise NotValid(f"alg is {header.get('alg')!r}, not {ALGORITHM}")
    known = {k.get("kid"): k for k in key_set.get("keys", [])}
    if header.get("kid") not in known:
        raise NotValid(f"no published key has kid {header.get('kid')!r}")
    public = jwt.PyJWK(known[header["kid"]]).key
    assert isinstance(public, Ed25519PublicKey)
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=[ALGORITHM],
            options={"verify_aud": False, "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        raise NotValid(f"signature does not verify: {error}") from None
    return Checked(claims, header["kid"])
