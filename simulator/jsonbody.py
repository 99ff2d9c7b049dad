"""Decoding a JSON request body, with the simulator's own words for why it is not JSON.

msgspec's behaviour for bad input is not stable across releases: up to 0.19 it raised ``UnicodeDecodeError``
for invalid UTF-8 inside a string, from 0.20 on a ``DecodeError`` with its own wording. Every caller goes through
``decode_json`` and sees one exception, ``MalformedJson``, whose reason the simulator words itself, so no vendor's
error body (and no test) depends on the library's release or its English.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

_untyped = msgspec.json.Decoder()
# Past this size the stdlib is not asked where the error is: it would re-parse the body on the event loop.
_POSITION_LIMIT = 1024 * 1024


class MalformedJson(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape, which is msgspec.ValidationError)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_json(body: bytes, decoder: msgspec.json.Decoder[T] | None = None) -> T | Any:
    """``body`` decoded (by ``decoder`` when given, so its ValidationError still names the path); malformed JSON
    raises MalformedJson. msgspec.ValidationError passes through unchanged."""
    try:
        return (decoder or _untyped).decode(body)
    except msgspec.ValidationError:
        if decoder is not None:
            raise
        # Untyped, only a number past float's range gets here (1e400): not JSON any decoder can hold.
        raise MalformedJson("it holds a number out of range") from None
    except RecursionError:
        raise MalformedJson("it is nested too deeply") from None
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError):
        raise MalformedJson(malformed_reason(body)) from None


def malformed_reason(body: bytes) -> str:
    """Why ``body`` is not JSON, in our words: invalid UTF-8, or where the syntax breaks (line and column)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not valid UTF-8"
    if not text.strip():
        return "it is empty"
    if len(body) <= _POSITION_LIMIT:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
        except (RecursionError, ValueError):
            pass
    # The stdlib reads it (NaN, a lone surrogate) or it is too big to ask: msgspec refused it all the same.
    return "it is not valid JSON"


# msgspec's validation messages, taken apart so each vendor words them its own way. No DOTALL: a message with a
# newline in it (an unknown field's name) is not taken apart, and the vendor shows it whole.
_AT = re.compile(r"^(?P<message>.*) - at `\$(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]*)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]*)`$")


def located(error: str) -> tuple[str, str]:
    """A msgspec validation message -> (what was wrong, where below ``$``: ``.items[2].qty``, or "")."""
    match = _AT.match(error)
    return (match["message"], match["path"]) if match else (error, "")


def unknown_field(message: str) -> str | None:
    """The field named by msgspec's "unknown field" message (``located``'s first part), else None."""
    match = _UNKNOWN.match(message)
    return match["field"] if match else None


def missing_field(message: str) -> str | None:
    """The field named by msgspec's "missing required field" message, else None."""
    match = _MISSING.match(message)
    return match["field"] if match else None
