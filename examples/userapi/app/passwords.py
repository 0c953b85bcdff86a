"""Password hashing with argon2id, tuned by the app's configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verified against when a login names no account (or one without a password), so that such
# attempts cost as much time as a wrong password and do not reveal which emails exist. Public so
# that tests can check that it opens no account itself.
DECOY_PASSWORD = "decoy password that never matches"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password` with the configured cost."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password` against `password_hash`, spending the same work when there is no hash."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _decoy_hash(hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether `password_hash` was made with other settings than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)


def _decoy_hash(hasher: PasswordHasher) -> str:
    cache: dict[tuple[int, int, int], str] = current_app.extensions.setdefault("decoy_hashes", {})
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in cache:
        cache[key] = hasher.hash(DECOY_PASSWORD)
    return cache[key]
