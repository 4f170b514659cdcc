"""What every router of the REST API shares: throttling, JSON rendering, errors.

Every error leaves the API as ``{"code": "...", "message": "...", "fields": {...}}``: services
raise ``DomainError`` subclasses, ninja raises its own errors for input it cannot parse, and both
are turned into that shape here, so a client handles one format whatever went wrong.
Authentication (bearer tokens, the browser session) is the accounts app's: ``accounts.api_auth``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import SimpleRateThrottle
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from gongdan.core.counters import window_hit
from gongdan.core.errors import DomainError, TooManyRequests, ValidationFailed
from gongdan.core.pagination import Page, keyset_page

logger = logging.getLogger(__name__)

PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100
THROTTLE_RATE_DEFAULT = "1200/min"


# --- Throttling ----------------------------------------------------------------------------------
class UserRateThrottle(SimpleRateThrottle):
    """Requests per authenticated user, counted for all web processes together.

    The count lives in the shared store of ``gongdan.core.counters`` (Redis, or a database row in
    the embedded shape), never in one process's memory: with two workers, a per-process count
    let twice the limit through. The rate is read from ``GONGDAN_API_RATE`` on each call; the
    429 carries ``Retry-After`` (the seconds until the window ends, set by ninja from ``wait()``)
    and the code ``throttled``.
    """

    scope = "gongdan_api"

    def __init__(self) -> None:
        super().__init__(rate=THROTTLE_RATE_DEFAULT)
        # One instance serves every request thread: the answer for wait() is kept per thread.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "GONGDAN_API_RATE", THROTTLE_RATE_DEFAULT)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        # Shared in batches of 1 % of the limit: at most that many requests per web process
        # beyond it, for one write per batch instead of one per request (``counters``).
        batch = max(1, self.num_requests // 100)
        counted = window_hit(key=key, window=self.duration, batch=batch)
        self._last.retry_after = counted.retry_after
        return counted.count <= self.num_requests

    def wait(self) -> float | None:
        retry_after: int | None = getattr(self._last, "retry_after", None)
        return retry_after

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        ident = f"user-{user.pk}" if user is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- Rendering -----------------------------------------------------------------------------------
class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese text as itself, not ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


# --- Errors --------------------------------------------------------------------------------------
def error_body(code: str, message: Any, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "message": str(message),
        "fields": {
            k: str(v) if not isinstance(v, list | dict) else v for k, v in (fields or {}).items()
        },
    }


def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)d characters.") % {
            "max": ctx.get("max_length", 0)
        }
    if kind == "enum":
        return _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")}
    if kind in {"int_parsing", "int_type"}:
        return _("Enter a whole number.")
    return str(error.get("msg", _("Invalid value.")))


# The names our operations give their schema parameters; they never reach the client.
SCHEMA_PARAMS = frozenset({"payload", "query", "page"})


def _field_name(loc: Sequence[Any]) -> str:
    # ("body", "payload", "title") → "title"; ("query", "size") → "size";
    # ("query", "query", "status", 0) → "status.0" (ninja leaves nested locations unflattened)
    parts = [str(p) for p in loc[1:]]
    if len(parts) > 1 and (parts[0] in SCHEMA_PARAMS or loc[0] in {"body", "form"}):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _on_validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), _field_message(error))
    body = error_body("validation_error", _("Please correct the highlighted fields."), fields)
    return api.create_response(request, body, status=422)


def _on_domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(
        request, error_body(exc.code, exc.message, exc.fields), status=exc.status
    )
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        status, body = 413, error_body("request_too_large", _("The request body is too large."))
    elif exc.status_code == 400 and isinstance(cause, ValueError):
        status, body = 400, error_body("malformed_json", _("The request body is not valid JSON."))
    elif isinstance(exc, AuthenticationError):
        status, body = (
            401,
            error_body(
                "not_authenticated", _("Authentication required: send a bearer token or sign in.")
            ),
        )
    elif isinstance(exc, Throttled):
        status, body = (
            429,
            error_body("throttled", _("Too many requests. Please slow down and try again.")),
        )
    else:
        status, body = exc.status_code, error_body("http_error", exc.message)
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="gongdan"'
    return response


def _on_not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


def _on_permission_denied(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(
        request, error_body("permission_denied", _("You may not do this.")), status=403
    )


def _on_suspicious(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        body, status = error_body("request_too_large", _("The request body is too large.")), 413
    else:
        body, status = error_body("bad_request", _("The request could not be read.")), 400
    return api.create_response(request, body, status=status)


def _on_model_validation(
    request: HttpRequest, exc: ModelValidationError, api: NinjaAPI
) -> HttpResponse:
    # A safety net: services turn model validation into ValidationFailed with their own code; one
    # that slips through is still the client's input, answered as a 422 rather than a 500.
    logger.warning("Unconverted model validation on %s %s: %s", request.method, request.path, exc)
    fields = (
        {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {}
    )
    body = error_body("validation_error", _("Please correct the highlighted fields."), fields)
    return api.create_response(request, body, status=422)


def _on_unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request, error_body("server_error", _("Something went wrong on our side.")), status=500
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every error in the ``{"code", "message", "fields"}`` shape."""
    handlers: Iterable[tuple[type[Exception], Any]] = [
        (DomainError, _on_domain_error),
        (ValidationError, _on_validation_error),
        (HttpError, _on_http_error),
        (Http404, _on_not_found),
        (PermissionDenied, _on_permission_denied),
        (SuspiciousOperation, _on_suspicious),
        (ModelValidationError, _on_model_validation),
        (MultiPartParserError, _on_suspicious),
        (Exception, _on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, partial(handler, api=api))


class ApiJsonErrorsMiddleware:
    """Under the API's prefix, answer a 404 or 405 that no operation produced in the API's JSON
    error shape: Django's HTML page for an unknown path, ninja's plain-text 405 for a method an
    operation does not take (its ``Allow`` header is kept). Other paths are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in {404, 405} or not request.path.startswith(_api_prefix()):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response  # an operation's own answer (a ticket not found, …)
        if response.status_code == 404:
            body = error_body("not_found", _("Not found."))
        else:
            message = _("This operation does not accept %(method)s.") % {"method": request.method}
            body = error_body("method_not_allowed", message)
        answer = JsonResponse(
            body,
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
            content_type="application/json; charset=utf-8",  # as every other API answer
        )
        if "Allow" in response:
            answer["Allow"] = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
        return answer


@cache
def _api_prefix() -> str:
    return reverse("api:api-root")


# --- Pagination ----------------------------------------------------------------------------------
class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, Any]


def paginate[T: Model](
    queryset: QuerySet[T], *, ordering: list[str], size: int, cursor: str | None
) -> Page[T]:
    """One keyset page; the size is clamped to ``1..PAGE_SIZE_MAX``."""
    return keyset_page(
        queryset, ordering=ordering, size=max(1, min(size, PAGE_SIZE_MAX)), cursor=cursor or None
    )


# --- Versions (ETag / If-Match) ------------------------------------------------------------------
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def parse_if_match(value: str | None) -> int | str | None:
    """``"3"`` / ``W/"3"`` / ``3`` → 3; ``*`` → ``"*"``; absent → None; anything else → 400."""
    if value is None or not value.strip():
        return None
    if value.strip() == "*":
        return "*"
    match = _ETAG.match(value)
    if match is None:
        raise DomainError(
            "bad_if_match",
            _('If-Match must be a ticket version such as "3".'),
            fields={"If-Match": value[:50]},
            status=400,
        )
    return int(match.group(1))


def expected_version(
    if_match: str | None, body_version: int | None, *, required: bool
) -> int | None:
    """The version a write expects, from ``If-Match`` or the body's ``version``.

    None means "do not check" (``If-Match: *``, or nothing sent where it is optional). Missing
    where ``required``: 428. Header and body disagreeing: 400.
    """
    header = parse_if_match(if_match)
    if header is not None and header != "*" and body_version is not None and header != body_version:
        raise DomainError(
            "version.mismatch", _("If-Match and the body's version disagree."), status=400
        )
    if isinstance(header, int):
        return header
    if body_version is not None or header == "*":
        return body_version
    if required:
        message = _(
            'Send the ticket\'s version as If-Match (or as "version") to avoid '
            "overwriting someone else's change."
        )
        raise DomainError("precondition_required", message, fields={"version": message}, status=428)
    return None


class InputSchema(Schema):
    """Request bodies: an unknown field is a 422, not silently ignored; so is a NUL character."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError("null_character", str(_("Null characters are not allowed.")))
        return value


def _holds_nul(value: Any) -> bool:
    """A NUL character anywhere in a value (strings inside lists and mappings too: PostgreSQL
    cannot store one, and no text a person types holds one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


def pick[T: Model](queryset: QuerySet[T], pk: int | None, *, field: str) -> T | None:
    """The row ``pk`` of ``queryset`` (already scoped to the caller), None for None, else 422."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)  # get() drops the queryset's ordering: a cheaper query
    except ObjectDoesNotExist:
        message = _("Unknown or inaccessible id %(id)s.") % {"id": pk}
        raise ValidationFailed("invalid_reference", message, fields={field: message}) from None


class PageQuery(Schema):
    """``?cursor=…&size=…`` on every list; follow ``next_cursor`` / ``prev_cursor``."""

    cursor: str | None = Field(default=None, max_length=500)
    size: int = Field(default=PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX)


ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 422, 429)}


def file_download(description: str) -> dict[str, Any]:
    """``openapi_extra`` of an operation that answers a stored file: the file comes with its own
    type (a PDF as ``application/pdf``, a PNG as ``image/png``), so the spec says ``*/*`` rather
    than a type the response does not carry. The name is in ``Content-Disposition``."""
    return {
        "responses": {
            "200": {
                "description": description,
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment (inline for images) with the file's name",
                        "schema": {"type": "string"},
                    }
                },
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
