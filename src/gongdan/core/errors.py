"""Errors that services raise and every entry point (view, API, CLI) turns into a clear answer."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A request that cannot be carried out as asked.

    ``code`` is a stable machine-readable string (``ticket.illegal_transition``); ``message`` is
    translated for the user; ``fields`` maps field names to messages. ``status`` is the HTTP status
    the API answers with.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class ValidationFailed(DomainError):
    status = 422


class TooManyRequests(DomainError):
    """Refused for a while (a lockout); ``retry_after`` seconds go out as ``Retry-After``."""

    status = 429

    def __init__(self, code: str, message: str | Promise, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = max(1, int(retry_after))
