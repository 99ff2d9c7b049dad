"""Errors the stock rules raise. They say what is wrong in domain terms; each vendor's wire layer decides the
status code and body its clients see.

    DomainError
    ├── NotFound          the addressed record does not exist
    └── InvalidChange     a requested change breaks a rule; ``field`` names the offending input
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class InvalidChange(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
