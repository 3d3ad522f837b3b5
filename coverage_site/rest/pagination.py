"""Paging: numbered pages for articles, entities and sources, cursors for claims.

``page_size`` is checked, not clamped: 1 to ``MAX_PAGE_SIZE`` or a 400 naming it. A cursor that
was not issued by this API (or is reused with another ``ordering``) is a 400 naming ``cursor``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _checked_page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}, not “{raw}”."]}
        )
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return _checked_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": [f"Must be a page number from 1, not “{raw}”."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"]["minimum"] = 1
            if param["name"] == self.page_size_query_param:
                param["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE)
                param["description"] = (
                    f"Results per page: 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
                )
        return params


class CursorPagination(pagination.CursorPagination):
    """Stable pages while content changes: each page starts after the last item seen."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "id"

    def get_page_size(self, request) -> int:
        return _checked_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
            valid = False
        else:
            valid = cursor is None or self._position_ok(cursor.position)
        if not valid:
            raise ValidationError(
                {
                    "cursor": [
                        "Not a cursor this API issued for this ordering; follow the “next” "
                        "and “previous” links as given."
                    ]
                }
            )
        return cursor

    def _position_ok(self, position: str | None) -> bool:
        if position is None:
            return True
        try:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            value = field.to_python(position)
            if isinstance(value, dt.datetime):
                value.astimezone(dt.UTC)  # the database converts to UTC; out of range fails
        except (FieldDoesNotExist, DjangoValidationError, ValueError, OverflowError):
            return False
        return True

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # The body's links, built once (each is a cursor encoded into the request's address).
        links = [(response.data["next"], "next"), (response.data["previous"], "prev")]
        link_header = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        if link_header:
            response["Link"] = link_header  # CSV has no room for the links in its body
        return response

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE)
                param["description"] = (
                    f"Results per page: 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
                )
        return params
