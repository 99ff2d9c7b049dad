"""Centra's ``xml`` option: the same response as XML.

The element names are not documented; ours: the root ``<response>``, one element per JSON key in the same
order, a list as repeated ``<item>`` children, ``null`` as an empty element. Pinned in
tests/vendors/centra/test_xml.py.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

MEDIA_TYPE = "application/xml"
# Characters XML 1.0 cannot carry at all (not even escaped): an identifier echoed back with one of them
# becomes U+FFFD, so the document stays well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_xml(content: dict[str, Any]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _element("response", content, parts)
    parts.append("\n")
    return "".join(parts).encode("utf-8")


def xml_response(content: dict[str, Any], status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(to_xml(content), status_code=status_code, headers=headers, media_type=MEDIA_TYPE)


def _element(name: str, value: Any, parts: list[str]) -> None:
    if value is None:
        parts.append(f"<{name}/>")
        return
    parts.append(f"<{name}>")
    if isinstance(value, dict):
        for key, child in value.items():
            _element(key, child, parts)
    elif isinstance(value, list):
        for child in value:
            _element("item", child, parts)
    elif isinstance(value, bool):
        parts.append("1" if value else "0")
    else:
        parts.append(_escape(_NOT_XML.sub("\ufffd", str(value))))
    parts.append(f"</{name}>")


def _escape(text: str) -> str:
    """What xml.sax.saxutils.escape does for element text (&, <, >), without its import of urllib.request and the
    SAX machinery (about 8 ms of every start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
