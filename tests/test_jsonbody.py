"""The simulator's own words for a body that is not JSON, whatever msgspec release is installed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
import pytest

from simulator.jsonbody import MalformedJson, decode_json, in_our_words, located


class _OldMsgspec:
    """msgspec up to 0.19 raised UnicodeDecodeError for invalid UTF-8 inside a string; later ones a DecodeError."""

    def decode(self, body: bytes) -> Any:
        raise UnicodeDecodeError("utf-8", body, 0, 1, "invalid start byte")


class _NewMsgspec:
    def decode(self, body: bytes) -> Any:
        raise msgspec.DecodeError("Invalid UTF-8 encoded string")


@pytest.mark.parametrize(
    "decoder",
    [_OldMsgspec(), _NewMsgspec(), None],
    ids=["raises UnicodeDecodeError", "raises DecodeError", "installed"],
)
def test_invalid_utf8_is_one_reason_under_every_msgspec(decoder: Any) -> None:
    with pytest.raises(MalformedJson) as caught:
        decode_json(b'{"sku": "\xff\xfe"}', decoder)
    assert caught.value.reason == "it is not valid UTF-8"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"products": [', "it is not valid JSON (line 1, column 15)"),
        (b'{"a": 1}\n x', "it is not valid JSON (line 2, column 2)"),
        (b"   ", "it is empty"),
        (b'{"a": NaN}', "it is not valid JSON"),
        (b"[" * 10_000 + b"]" * 10_000, "it is nested too deeply"),
        (b'{"a": 1e400}', "it holds a number out of range"),
    ],
)
def test_reasons_are_worded_by_the_simulator(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedJson) as caught:
        decode_json(body)
    assert caught.value.reason == reason


def test_a_typed_decoder_keeps_its_validation_error() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode_json(b'{"a": "x"}', msgspec.json.Decoder(dict[str, int]))
    assert decode_json(b'{"a": 1}', msgspec.json.Decoder(dict[str, int])) == {"a": 1}


class _Wrong(msgspec.Struct, forbid_unknown_fields=True):
    count: Annotated[int, msgspec.Meta(ge=1)] = 1
    either: int | dict[str, int] = 0
    name: Annotated[str, msgspec.Meta(min_length=1)] = "x"
    method: Literal["GET", "POST"] = "GET"
    pair: tuple[int, int] = (1, 2)
    at: datetime | None = None
    needed: int | None = None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"count": "1"}, "expected a whole number"),
        ({"count": 0}, "expected a whole number >= 1"),
        ({"either": "x"}, "expected a whole number or an object, found a string"),
        ({"count": 1.5}, "found a number with a fraction"),
        ({"name": ""}, "expected a string"),
        ({"method": "PUT"}, "'PUT' is not one of the accepted values"),
        ({"pair": [1]}, "expected an array"),
        ({"at": "noon"}, "expected an RFC 3339 date-time"),
        ({"other": 1}, 'unknown field "other"'),
        ([], "expected an object, found an array"),
    ],
)
def test_msgspec_messages_in_our_words(data: object, words: str) -> None:
    """What reaches a client names the kinds in our words, without backticks (checked on msgspec's real errors, so
    no test pins msgspec's English)."""
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(data, _Wrong)
    message, _ = located(str(caught.value))
    assert words in in_our_words(message)
    assert "`" not in in_our_words(message)
