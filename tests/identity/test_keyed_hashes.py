"""The keyed hashes that the database keeps (session tokens, codes, phone keys) stay the same
HMAC-SHA256 whatever way they are computed: a stored hash from an earlier release still
matches."""

import hashlib
import hmac

import pytest

from services.crypto import keyed_hash


@pytest.mark.parametrize("secret", [b"k" * 32, b"short", b"x" * 200])  # longer than a block
@pytest.mark.parametrize("parts", [("session", "token-1"), ("alone",), ("code", "138", "42")])
def test_a_keyed_hash_is_hmac_sha256_of_the_parts_joined(
    secret: bytes, parts: tuple[str, ...]
) -> None:
    expected = hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    assert keyed_hash(secret, *parts) == expected
    assert keyed_hash(secret, *parts) == expected  # the kept key, used again


def test_keyed_hashes_of_two_secrets_differ() -> None:
    assert keyed_hash(b"a" * 32, "session", "t") != keyed_hash(b"b" * 32, "session", "t")
