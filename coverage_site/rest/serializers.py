"""Serializer pieces shared by every resource: links, ``fields=`` and ``expand=``."""

from __future__ import annotations

import re
from typing import ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from ..fast_reverse import reverse_one
from .query import Shape

_PLAIN_PATH = re.compile(r"/[-a-zA-Z0-9_~/]*")


def _absolute(context: dict, path: str) -> str:
    """``request.build_absolute_uri(path)``; for a plain path (no dots, nothing to encode) the
    scheme and host are worked out once per serialization and prefixed (same result)."""
    request = context.get("request")
    if not request:
        return path
    if _PLAIN_PATH.fullmatch(path) and not path.startswith("//"):
        origin = context.get(_ORIGIN)
        if origin is None:
            origin = context[_ORIGIN] = request.build_absolute_uri("/")[:-1]
        return origin + path
    return request.build_absolute_uri(path)


_ORIGIN = "_absolute_origin"  # memo in the (per-serialization) context


@extend_schema_field(OpenApiTypes.URI)
class ApiURLField(serializers.Field):
    """The item's address in this API (no format or other query parameters carried over)."""

    def __init__(self, view_name: str, *, lookup_field: str = "pk", source: str = "*", **kwargs):
        self.view_name = view_name
        self.lookup_field = lookup_field
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        path = reverse_one(self.view_name, self.lookup_field, getattr(value, self.lookup_field))
        return _absolute(self.context, path)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The item's public page, absolute (``get_absolute_url`` on the request's host)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return _absolute(self.context, value.get_absolute_url())


class ExpandableField(serializers.Field):
    """A relation shown by identifier, or embedded as an object when ``expand=`` names it.

    ``key`` names the column that holds the identifier on the row this field reads (the
    instance for a single relation, each related row for ``many``): with it, the collapsed
    field shows that column's value and never needs the related object, so a view can leave
    the object unread (``ArticleViewSet.loading``). Only for ``id_field="pk"``.
    """

    def __init__(
        self,
        serializer: type[serializers.Serializer],
        *,
        many: bool = False,
        id_field: str = "pk",
        through: str | None = None,
        expanded: bool = False,
        key: str | None = None,
        **kwargs,
    ):
        if key is not None and id_field != "pk":
            raise ValueError("key= reads a foreign key column: the identifier must be the pk.")
        self.serializer_class = serializer
        self.many = many
        self.id_field = id_field
        self.through = through
        self.expanded = expanded
        self.key = key
        super().__init__(read_only=True, **kwargs)

    def _reads_key(self) -> bool:
        return self.key is not None and not self.expanded

    def get_attribute(self, instance):
        if self._reads_key() and not self.many:
            return getattr(instance, self.key)  # the identifier itself
        return super().get_attribute(instance)

    def _one(self, item):
        if self._reads_key():
            return getattr(item, self.key)
        target = getattr(item, self.through) if self.through else item
        if self.expanded:
            if not hasattr(self, "_nested"):
                self._nested = self.serializer_class(context=self.context)
            return self._nested.to_representation(target)
        return getattr(target, self.id_field)

    def to_representation(self, value):
        if self.many:
            return [self._one(item) for item in value.all()]
        if self._reads_key():
            return value
        return self._one(value)


class FastReadMixin:
    """The same ``to_representation`` as DRF's, with the per-field bookkeeping done once.

    DRF looks each value up through ``Field.get_attribute`` (source path walk, callable check,
    exception mapping) for every field of every item: with 50 claims and their sources that is
    most of a list's time. A field reading one concrete, non-relation column of the model is
    read with ``getattr`` (all that lookup amounts to for such a column); every other field
    (relations, ``source="*"``, dotted sources, methods) goes through DRF's own steps. Values
    are rendered by the field's ``to_representation``, so the output is unchanged.
    """

    def _read_plan(self) -> list:
        plan = self.__dict__.get("_plan")
        if plan is not None:
            return plan
        model = getattr(getattr(self, "Meta", None), "model", None)
        columns = set()
        if model is not None:
            columns = {
                f.attname
                for f in model._meta.concrete_fields
                if not f.is_relation and f.attname == f.name
            }
        plan = []
        for field in self._readable_fields:
            attrs = field.source_attrs
            simple = (
                len(attrs) == 1
                and attrs[0] in columns
                and not isinstance(field, serializers.RelatedField | serializers.ManyRelatedField)
            )
            plan.append((field.field_name, field, attrs[0] if simple else None))
        self.__dict__["_plan"] = plan
        return plan

    def to_representation(self, instance):
        ret = {}
        for name, field, column in self._read_plan():
            if column is not None:
                value = getattr(instance, column)
            else:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    ret[name] = None if value.pk is None else field.to_representation(value)
                    continue
            ret[name] = None if value is None else field.to_representation(value)
        return ret


class ShapedMixin(FastReadMixin):
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
