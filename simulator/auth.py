"""Credential checks shared by the vendors: HTTP Basic parsing, constant-time comparison, failure lockouts."""

from __future__ import annotations

import base64
import functools
import hmac

import msgspec

CACHED_HEADER_CHARS = 512


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """``Authorization: Basic base64(user:password)`` -> (user, password), or None when absent or malformed.
    A client sends the same header on every call: headers of a usual length are parsed once (a bounded cache,
    CACHED_HEADER_CHARS each, so a client sending many long headers cannot make it hold megabytes)."""
    if header is not None and len(header) <= CACHED_HEADER_CHARS:
        return _parse_cached(header)
    return _parse(header)


@functools.lru_cache(maxsize=1024)
def _parse_cached(header: str) -> tuple[str, str] | None:
    return _parse(header)


def _parse(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    token = token.strip()
    try:
        raw = base64.b64decode(token, validate=True)
        decoded = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError; so is a non-ASCII token
        return None
    if base64.b64encode(raw).decode("ascii") != token:
        return None  # not the canonical encoding (extra padding, stray bits): a client bug worth surfacing
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def basic_matches(header: str | None, user: str, password: str) -> bool:
    """Whether an Authorization header is HTTP Basic with exactly these credentials."""
    credentials = parse_basic(header)
    if credentials is None:
        return False
    # Both comparisons always run, so timing does not tell which half was wrong.
    ok_user, ok_password = same_secret(credentials[0], user), same_secret(credentials[1], password)
    return ok_user and ok_password


class _Record(msgspec.Struct):
    failures: int = 0
    last_failure: float = 0.0


class FailureTracker(msgspec.Struct):
    """Counts consecutive authentication failures per (vendor, account, client) within one sandbox."""

    records: dict[tuple[str, str, str], _Record] = msgspec.field(default_factory=dict)

    def locked(self, key: tuple[str, str, str], limit: int, lockout: float, now: float) -> bool:
        record = self.records.get(key)
        if record is None:
            return False
        if now - record.last_failure >= lockout:
            # The lockout has passed: forget the old failures instead of letting one more attempt re-lock.
            del self.records[key]
            return False
        return record.failures >= limit

    def failed(self, key: tuple[str, str, str], now: float) -> int:
        record = self.records.setdefault(key, _Record())
        record.failures += 1
        record.last_failure = now
        return record.failures

    def succeeded(self, key: tuple[str, str, str]) -> None:
        self.records.pop(key, None)

    def clear(self) -> None:
        self.records.clear()
