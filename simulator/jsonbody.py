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


# msgspec's names for the kinds of JSON value, in the simulator's words: what a field wants, and what it was given.
_WANTED = {
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
    "null": "null",
    "object": "an object",
    "array": "an array",
    "bytes": "base64 text",
    "datetime": "an RFC 3339 date-time",
    "date": "a date (YYYY-MM-DD)",
    "time": "a time of day",
    "uuid": "a UUID",
    "decimal": "a decimal number",
}
_GIVEN = {"int": "a whole number", "float": "a number with a fraction or an exponent", "bool": "true or false"}
_EXPECTED = re.compile(r"^Expected `(?P<wanted>[^`]*)`(?P<rest>.*)$")
_GOT = re.compile(r", got `(?P<given>[^`]*)`")
_INVALID = re.compile(r"^Invalid (?:enum )?value (?P<value>.*)$")
_TICKS = re.compile(r"`([^`]*)`")


def in_our_words(message: str) -> str:
    """A msgspec validation message (``located``'s first part) in the simulator's words: what was expected, what
    was found, and field names in double quotes; never msgspec's backticked type names. Vendors word their own
    errors with it too (``located`` gives the path)."""
    if (field := unknown_field(message)) is not None:
        return f'unknown field "{field}"'
    if (field := missing_field(message)) is not None:
        return f'missing required field "{field}"'
    if match := _EXPECTED.match(message):
        rest = _GOT.sub(lambda m: f", found {_given(m['given'])}", match["rest"]).replace(", got ", ", found ")
        return _TICKS.sub(r'"\1"', f"expected {wanted(match['wanted'])}{rest}".replace(" that's ", " that is "))
    if match := _INVALID.match(message):
        return f"{match['value']} is not one of the accepted values"
    if message == "Invalid RFC3339 encoded datetime":
        return f"expected {_WANTED['datetime']}"
    if message == "Number out of range":
        return "the number is out of range"
    return message  # already ours (a __post_init__'s check), or a kind of message msgspec did not have when written


def wanted(kinds: str) -> str:
    """msgspec's ``int | object`` as "a whole number or an object"."""
    words = [_WANTED.get(kind.strip(), kind.strip()) for kind in kinds.split("|")]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _given(kind: str) -> str:
    return _GIVEN.get(kind, _WANTED.get(kind, kind))
