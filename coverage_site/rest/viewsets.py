"""The base every API viewset builds on: strict query strings, shaping, conditional GETs."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.response import Response

from .conditional import ConditionalMixin, revision
from .pagination import CursorPagination
from .query import Shape, check_known_params, parse_list
from .renderers import CSVRenderer, JSONRenderer


class ApiViewSet(ConditionalMixin, viewsets.GenericViewSet):
    """Lists and details with ``fields=``/``expand=``; subclasses add filters and writes.

    ``loading`` maps a field name to the ``select_related``/``prefetch_related`` it needs, so
    a list costs a fixed number of queries whatever its size, and ``fields=`` skips the rest.
    """

    loading: ClassVar[dict[str, tuple[list, list]]] = {}  # prefetches may be callables(view)
    shape = Shape()

    def visible(self) -> QuerySet:
        """The items this request's user may see (from the models' visibility methods)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.load(self.visible())

    def load(self, queryset: QuerySet) -> QuerySet:
        """Apply the joins and prefetches the chosen fields need."""
        chosen = self.shape.fields or set(self.get_serializer_class().field_names())
        for name in chosen:
            select, prefetch = self.loading.get(name, ([], []))
            if select:  # select_related() with no names would mean "every non-null key"
                queryset = queryset.select_related(*select)
            if prefetch:
                queryset = queryset.prefetch_related(
                    *(p(self) if callable(p) else p for p in prefetch)
                )
        return queryset

    def initial(self, request, *args, **kwargs):
        # Before authentication, so an unsupported method is 405 even for anonymous clients.
        if getattr(self, request.method.lower(), None) is None:
            raise MethodNotAllowed(request.method)
        # Before content negotiation, which would answer an unknown format with a bare 404.
        check_known_params(request, self.known_params())
        formats = [renderer.format for renderer in self.renderer_classes]
        asked = request.query_params.get("format")
        if asked is not None and asked not in formats:
            raise ValidationError({"format": [f"Choose {' or '.join(formats)}."]})
        super().initial(request, *args, **kwargs)
        serializer_class = self.read_serializer_class()
        self.shape = Shape(
            fields=parse_list(request, "fields", serializer_class.field_names()),
            expand=parse_list(request, "expand", list(serializer_class.expandable)) or frozenset(),
        )

    def dispatch(self, request, *args, **kwargs):
        """DRF's, with the answer let go of as soon as it is sent.

        DRF keeps the response on the view (``self.response``), and a rendered response keeps
        itself in its renderer context: reference cycles, so a page's data (some 2,500 dicts
        and lists for 50 claims with their sources) outlived the request until the next
        garbage collection, which it made more frequent and slower. A rendered response needs
        neither; one rendered later (errors) keeps its context."""
        response = super().dispatch(request, *args, **kwargs)
        self.__dict__.pop("response", None)
        if isinstance(response, Response) and response.is_rendered:
            (response.renderer_context or {}).pop("response", None)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and not isinstance(
            getattr(request, "accepted_renderer", None), JSONRenderer
        ):
            request.accepted_renderer = JSONRenderer()  # errors are JSON, even for ?format=csv
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def read_serializer_class(self):
        return self.serializer_class

    def known_params(self) -> set[str]:
        known = {"fields"}
        if self.read_serializer_class().expandable:
            known.add("expand")
        if any(issubclass(r, CSVRenderer) for r in self.renderer_classes):
            known.add("format")
        if not self.detail:
            if self.filterset_class is not None:
                known |= set(self.filterset_class.base_filters)
            if getattr(self, "ordering_fields", None):
                known.add("ordering")
            paginator = self.paginator
            if isinstance(paginator, CursorPagination):
                known |= {paginator.cursor_query_param, paginator.page_size_query_param}
            elif paginator is not None:
                known |= {paginator.page_query_param, paginator.page_size_query_param}
        return known

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("shape", self.shape)
        return super().get_serializer(*args, **kwargs)

    def list(self, request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.last_modified = max((item.updated_at for item in page), default=None)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs) -> Response:
        return self.item_response(self.get_object())

    def item_response(self, obj) -> Response:
        self.last_modified = obj.updated_at
        self.item_revision = revision(obj.updated_at)
        return Response(self.get_serializer(obj).data)
