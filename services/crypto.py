"""Keyed hashes for codes, tokens and phone keys; secrets kept encrypted under the secret key."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet


def keyed_hash(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def vault(secret: bytes, purpose: str) -> Fernet:
    """Encrypts what must be read back (TOTP secrets, signing keys), one key per purpose."""
    key = hmac.new(secret, purpose.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))
