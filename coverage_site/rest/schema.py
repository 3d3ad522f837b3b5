"""OpenAPI schema additions: shaping parameters, If-Match, every error a client can meet.

schemathesis checks that each response's status, headers and body are documented, so the
schema lists the 4xx answers the API really gives (400 for bad parameters, 404, 412, 429 …).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from .query import list_param

ERRORS = {
    "400": "A query parameter or field is unknown or has a bad value; errors names it.",
    "401": "The token or session is invalid, or a write was sent without one.",
    "403": "Your role may not do this.",
    "404": "No such item visible to you (or no such page).",
    "406": "Ask for application/json (or text/csv where offered).",
    "409": "Someone saved the item after the version you edited.",
    "412": "If-Match: the item changed since you read it.",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests; wait Retry-After seconds.",
}
READ_ERRORS = ["400", "401", "404", "406", "429"]
WRITE_ERRORS = ["400", "401", "403", "404", "406", "409", "412", "415", "429"]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="One line naming the parameter or field.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400s: each parameter or field with its messages.",
    )
    changed_by = serializers.CharField(required=False, help_text="For 409s: who saved it.")
    changed_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="For 409s: when."
    )

    class Meta:
        ref_name = "Error"


def _header(description: str) -> dict:
    return {"schema": {"type": "string"}, "description": description}


class AutoSchema(openapi.AutoSchema):
    def _shaped_view(self):
        from .viewsets import ApiViewSet

        return self.view if isinstance(self.view, ApiViewSet) else None

    def _get_parameters(self):
        params = super()._get_parameters()
        view = self._shaped_view()
        if view is None:
            return params
        read = view.read_serializer_class()
        params.append(
            list_param("fields", read.field_names(), "Only these fields, e.g. fields=id,text.")
        )
        if read.expandable:
            params.append(
                list_param(
                    "expand",
                    list(read.expandable),
                    "Embed these related items as objects instead of identifiers.",
                )
            )
        if self.method in ("PATCH", "POST"):
            params.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "description": "The ETag you read; if the item was saved since, 412.",
                    "schema": {"type": "string"},
                }
            )
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error_ref = self.resolve_serializer(ErrorSerializer, direction).ref
        reading = self.method == "GET"
        for code in READ_ERRORS if reading else WRITE_ERRORS:
            responses.setdefault(
                code,
                {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": error_ref}},
                },
            )
        responses["429"]["headers"] = {"Retry-After": _header("Seconds to wait.")}
        ok = responses.get("200")
        if ok is not None:
            ok["headers"] = {
                "ETag": _header("Validator for If-None-Match (and, on items, If-Match)."),
                "Last-Modified": _header("Newest updated_at among the items returned."),
            }
            if "text/csv" in ok.get("content", {}):
                ok["content"]["text/csv"] = {
                    "schema": {"type": "string", "description": "One row per claim."}
                }
        if reading:
            responses["304"] = {"description": "Not modified since your ETag or date."}
        return dict(sorted(responses.items()))


class ExpandableFieldExtension(OpenApiSerializerFieldExtension):
    """An identifier, or the embedded object when expanded."""

    target_class = "coverage_site.rest.serializers.ExpandableField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        ident = build_basic_type(OpenApiTypes.STR if field.id_field == "slug" else OpenApiTypes.INT)
        nested = auto_schema.resolve_serializer(field.serializer_class, direction).ref
        schema = {"oneOf": [ident, nested]}
        if field.many:
            return build_array_type(schema)
        if field.allow_null:
            schema["nullable"] = True
        return schema
