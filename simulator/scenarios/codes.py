"""Generated codes (SKUs, EANs, barcodes): a pattern with one ``{n}`` or ``{n:0Nd}`` standing for the ordinal.

``{n}`` is the ordinal (1, 2, ...); ``{n:0Nd}`` pads it with zeros to N digits, ``{n:Nd}`` with spaces, as Python's
``format`` and SQLite's ``printf`` both do. A pattern maps ordinals to codes one to one, so checks never build the
codes: an explicit code is also a generated one exactly when it parses back to an ordinal within the block's count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from simulator.scenarios.limits import MAX_CODE_LENGTH
from simulator.scenarios.problems import Problem

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLACEHOLDER = re.compile(r"\{n(?::(?P<zero>0?)(?P<width>[0-9]*)d)?\}")


class CodePattern(NamedTuple):
    prefix: str
    suffix: str
    width: int
    fill: str

    def code(self, n: int) -> str:
        return f"{self.prefix}{str(n).rjust(self.width, self.fill)}{self.suffix}"

    def longest(self, count: int) -> int:
        """The length of the longest of the first ``count`` codes."""
        return len(self.prefix) + len(self.suffix) + max(self.width, len(str(max(count, 1))))

    def ordinal(self, code: str) -> int | None:
        """The n for which ``code(n) == code``, or None when no ordinal makes this code."""
        if len(code) <= len(self.prefix) + len(self.suffix):
            return None
        if not (code.startswith(self.prefix) and code.endswith(self.suffix)):
            return None
        digits = code[len(self.prefix) : len(code) - len(self.suffix)].lstrip(self.fill)
        # 19 digits are beyond any count; the bound keeps int() cheap on a long explicit code.
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
            return None
        n = int(digits)
        return n if n >= 1 and self.code(n) == code else None

    def printf(self) -> str:
        """The same pattern for SQLite's printf."""
        flags = ("0" if self.fill == "0" else "") + (str(self.width) if self.width else "")
        return f"{self.prefix.replace('%', '%%')}%{flags}d{self.suffix.replace('%', '%%')}"


def parse(pattern: str) -> CodePattern | str:
    """The pattern, or what is wrong with it (in words for a problem)."""
    if _CONTROL.search(pattern):
        # SQLite's printf stops at a NUL, and no SKU, EAN or barcode holds control characters.
        return f"expected a pattern without control characters, got {pattern!r}"
    found = list(_PLACEHOLDER.finditer(pattern))
    if len(found) == 1:
        match = found[0]
        prefix, suffix = pattern[: match.start()], pattern[match.end() :]
        if not any(brace in prefix + suffix for brace in "{}"):
            width = int(match["width"] or 0)
            return CodePattern(prefix, suffix, width, "0" if match["zero"] else " ")
    if not found and not any(brace in pattern for brace in "{}"):
        return f"pattern {pattern!r} must contain {{n}} to be unique"
    if len(found) > 1:
        return f"expected {{n}} once in the pattern, got {pattern!r}"
    return f"expected a pattern with {{n}} or {{n:0Nd}} (zero-padded to N digits) and no other braces, got {pattern!r}"


def check(pattern: str, count: int) -> tuple[CodePattern | None, str | None]:
    """The parsed pattern (None if it does not parse) and the problem with it for ``count`` codes, if any."""
    parsed = parse(pattern)
    if isinstance(parsed, str):
        return None, parsed
    longest = parsed.longest(count)
    if longest > MAX_CODE_LENGTH:
        return parsed, f"generated codes would be up to {longest} characters long; the limit is {MAX_CODE_LENGTH}"
    return parsed, None


def collisions(
    pattern: str | None, count: int, field: str, listed: Sequence[str | None], at: str, entries: str, noun: str
) -> list[Problem]:
    """A generate block's ``field`` pattern checked (``at``), and each listed entry (``entries[i]``) whose ``field``
    the block also makes: the value is read back to an ordinal, so nothing is generated to compare."""
    if pattern is None:
        return []
    parsed, problem = check(pattern, count)
    problems = [] if problem is None else [Problem(f"{at}.{field}", problem)]
    if parsed is None:
        return problems
    for i, value in enumerate(listed):
        n = None if value is None else parsed.ordinal(value)
        if n is not None and n <= count:
            problems.append(
                Problem(
                    f"{entries}[{i}].{field}",
                    f"{field} {value!r} is also the {field} of generated {noun} {n} ({at}.{field} {pattern!r})",
                )
            )
    return problems
