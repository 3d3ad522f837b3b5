"""Serializer pieces shared by every resource: links, ``fields=`` and ``expand=``."""

from __future__ import annotations

from typing import ClassVar

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .query import Shape


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.URI)
class ApiURLField(serializers.Field):
    """The item's address in this API (no format or other query parameters carried over)."""

    def __init__(self, view_name: str, *, lookup_field: str = "pk", source: str = "*", **kwargs):
        self.view_name = view_name
        self.lookup_field = lookup_field
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        lookup = {self.lookup_field: getattr(value, self.lookup_field)}
        return _absolute(self.context, reverse(self.view_name, kwargs=lookup))


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The item's public page, absolute (``get_absolute_url`` on the request's host)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return _absolute(self.context, value.get_absolute_url())


class ExpandableField(serializers.Field):
    """A relation shown by identifier, or embedded as an object when ``expand=`` names it."""

    def __init__(
        self,
        serializer: type[serializers.Serializer],
        *,
        many: bool = False,
        id_field: str = "pk",
        through: str | None = None,
        expanded: bool = False,
        **kwargs,
    ):
        self.serializer_class = serializer
        self.many = many
        self.id_field = id_field
        self.through = through
        self.expanded = expanded
        super().__init__(read_only=True, **kwargs)

    def _one(self, item):
        target = getattr(item, self.through) if self.through else item
        if self.expanded:
            if not hasattr(self, "_nested"):
                self._nested = self.serializer_class(context=self.context)
            return self._nested.to_representation(target)
        return getattr(target, self.id_field)

    def to_representation(self, value):
        if self.many:
            return [self._one(item) for item in value.all()]
        return self._one(value)


class ShapedMixin:
    """For serializers: honours a :class:`Shape` (drop unchosen fields, embed expansions)."""

    expandable: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args, shape: Shape | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if shape is None:
            return
        for name in shape.expand:
            self.expand_field(name)
        if shape.fields:
            for name in list(self.fields):
                if name not in shape.fields:
                    self.fields.pop(name)

    def get_extra_kwargs(self) -> dict:
        # Read-only everywhere: ``fields=`` may leave any of them out, so none is "required".
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra.setdefault(name, {})["read_only"] = True
        return extra

    def expand_field(self, name: str) -> None:
        field = self.fields[name]
        self.fields[name] = type(field)(*field._args, **{**field._kwargs, "expanded": True})

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.Meta.fields)
