"""Reviewer passwords, hashed with scrypt (OWASP Password Storage Cheat Sheet parameters:
N=2**17, r=8, p=1) and a random 16-byte salt. The parameters travel inside the hash, so they
can be raised later without breaking old hashes. Each derivation takes 128 MiB, so at most
``MAX_CONCURRENT`` run at once per process: a burst of logins waits instead of exhausting
memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

SCHEME = "scrypt"
COST, BLOCK_SIZE, PARALLELISM, KEY_BYTES = 2**17, 8, 1, 32
MIN_PASSWORD_CHARS = 10
MAX_CONCURRENT = 4
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _SLOTS:
        return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                              maxmem=256 * n * r + 1024 * 1024)


def hash_password(password: str, *, cost: int = COST) -> str:
    """``scrypt$N$r$p$salt$key`` (salt and key base64)."""
    salt = secrets.token_bytes(16)
    key = _derive(password, salt, cost, BLOCK_SIZE, PARALLELISM)
    b64 = base64.b64encode
    return (f"{SCHEME}${cost}${BLOCK_SIZE}${PARALLELISM}$"
            f"{b64(salt).decode()}${b64(key).decode()}")


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash; malformed hashes fail."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _derive(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
