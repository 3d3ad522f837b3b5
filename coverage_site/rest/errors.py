"""Every /api/ response is JSON: one error shape, and JSON 404/500 pages for API paths.

Errors look like ``{"detail": "page_size: Must be between 1 and 200.", "errors": {"page_size":
["Must be between 1 and 200."]}}``: ``detail`` is one readable line naming the parameter or
field, ``errors`` (for 400s) maps each parameter or field to its messages.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import exception_handler

from articles.services import CorrectionRequired, EditConflict, PublishBlocked

API_PREFIX = "/api/"


def _as_drf_error(exc: Exception) -> Exception:
    """Translate the services' exceptions into DRF ones carrying the field they concern."""
    if isinstance(exc, PublishBlocked):
        return exceptions.ValidationError({"status": exc.problems})
    if isinstance(exc, CorrectionRequired):
        return exceptions.ValidationError({"correction": exc.messages})
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [f"{key}: {msg}" for key, value in messages.items() for msg in _flatten(value)]
    if isinstance(messages, list):
        return [msg for item in messages for msg in _flatten(item)]
    return [str(messages)]


def error_body(data) -> dict:
    """Wrap DRF's error data in the API's error shape."""
    if isinstance(data, dict) and set(data) == {"detail"}:
        return {"detail": str(data["detail"])}
    if isinstance(data, list):
        data = {"non_field_errors": data}
    errors = {key: _flatten(value) for key, value in data.items()}
    first = [
        f"{key}: {msgs[0]}" if key != "non_field_errors" else msgs[0]
        for key, msgs in errors.items()
        if msgs
    ]
    return {"detail": "; ".join(first) or "Invalid request.", "errors": errors}


def api_exception_handler(exc: Exception, context: dict):
    """DRF's handler, with the services' errors mapped and the error shape applied."""
    if isinstance(exc, EditConflict):
        from rest_framework.response import Response

        return Response(
            {
                "detail": str(exc),
                "changed_by": exc.changed_by,
                "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
            },
            status=409,
        )
    response = exception_handler(_as_drf_error(exc), context)
    if response is not None:
        response.data = error_body(response.data)
    return response


def _with_slash(path: str) -> str | None:
    """``path`` + "/" if that is a real API address (API addresses end with a slash)."""
    if path.endswith("/"):
        return None
    try:
        match = resolve(path + "/")
    except Resolver404:
        return None
    return None if match.func is api_not_found else path + "/"


@csrf_exempt  # a POST to an unknown API address is a JSON 404, not Django's CSRF page
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any /api/ address no route claims: a JSON 404 pointing at the API root."""
    detail = f"No API endpoint at {request.path}."
    suggestion = _with_slash(request.path)
    detail += f" Did you mean {suggestion}?" if suggestion else " The root /api/v1/ lists them."
    return JsonResponse({"detail": detail}, status=404)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)
