"""The simulator's own words for a body that is not JSON, whatever msgspec release is installed."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from simulator.jsonbody import MalformedJson, decode_json


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
