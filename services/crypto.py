"""Keyed hashes for codes, tokens and phone keys; secrets kept encrypted under the secret key."""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet


def keyed_hash(secret: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts joined by U+001F, in hex."""
    mac = _keyed(secret).copy()
    mac.update("\x1f".join(parts).encode())
    return mac.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed(secret: bytes) -> hmac.HMAC:
    """An HMAC keyed with `secret` and fed nothing: a copy skips the key's own hashing (a
    fifth of a session token's check)."""
    return hmac.new(secret, digestmod=hashlib.sha256)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def vault(secret: bytes, purpose: str) -> Fernet:
    """Encrypts what must be read back (TOTP secrets, signing keys), one key per purpose."""
    key = hmac.new(secret, purpose.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))
