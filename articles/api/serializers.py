"""Claims, articles and sources as API clients see them, and the bodies writes accept.

Reads embed related items by identifier (slug or id); ``expand=`` swaps in objects. Writes
only carry values: every change goes through ``articles.services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rest_framework import serializers

from coverage_site.rest.query import Shape
from coverage_site.rest.serializers import (
    ApiURLField,
    ExpandableField,
    FastReadMixin,
    PageURLField,
    ShapedMixin,
)
from entities.api.serializers import EntitySummarySerializer
from entities.models import Entity, EntityKind

from ..models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimAppearance,
    CorrectionNote,
    DatePrecision,
    PledgeStatus,
    Source,
    VerificationStatus,
)

AMOUNT = {"max_digits": 30, "decimal_places": 4}


class SourceSerializer(ShapedMixin, serializers.ModelSerializer):
    """A cited document; ``document_url`` is the document itself, ``url`` our page about it."""

    document_url = serializers.URLField(source="url", read_only=True)
    archived_url = serializers.CharField(read_only=True, help_text="A snapshot, or empty.")
    api_url = ApiURLField("api:source-detail")
    url = PageURLField()

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "publisher",
            "document_url",
            "archived_url",
            "published_on",
            "accessed_on",
            "language",
            "created_at",
            "updated_at",
            "api_url",
            "url",
        ]


class AppearanceSerializer(FastReadMixin, serializers.ModelSerializer):
    """Where a claim appears: the article (by slug), the passage, its section and place."""

    article = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    article_title = serializers.CharField(source="article.title", read_only=True)
    article_api_url = ApiURLField("api:article-detail", lookup_field="slug", source="article")

    class Meta:
        model = ClaimAppearance
        fields = ["article", "article_title", "article_api_url", "section", "position", "passage"]


class ClaimSummarySerializer(FastReadMixin, serializers.ModelSerializer):
    """A claim embedded in an article (``expand=claims``)."""

    api_url = ApiURLField("api:claim-detail")
    url = PageURLField()

    class Meta:
        model = Claim
        fields = ["id", "text", "kind", "status", "amount", "unit", "updated_at", "api_url", "url"]


class ClaimSerializer(ShapedMixin, serializers.ModelSerializer):
    """A checkable claim: verdict, figure, speaker, subjects, sources and appearances."""

    expandable = ("speaker", "subjects", "sources")

    speaker = ExpandableField(EntitySummarySerializer, id_field="slug", allow_null=True)
    subjects = ExpandableField(EntitySummarySerializer, many=True, id_field="slug")
    sources = ExpandableField(SourceSerializer, many=True)
    appearances = AppearanceSerializer(many=True, read_only=True)
    amount_usd = serializers.DecimalField(read_only=True, allow_null=True, **AMOUNT)
    figure_date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, allow_blank=True, read_only=True
    )
    pledge_status = serializers.ChoiceField(
        choices=PledgeStatus.choices, allow_blank=True, read_only=True
    )
    api_url = ApiURLField("api:claim-detail")
    url = PageURLField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "kind",
            "status",
            "status_note",
            "status_changed_at",
            "speaker",
            "subjects",
            "sources",
            "appearances",
            "amount",
            "unit",
            "equivalent_amount",
            "equivalent_unit",
            "amount_usd",
            "figure_date",
            "figure_date_precision",
            "pledge_status",
            "created_at",
            "updated_at",
            "api_url",
            "url",
        ]


class CitationSerializer(ShapedMixin, serializers.ModelSerializer):
    """Marker ``[number]`` in the body and the source it cites."""

    source = ExpandableField(SourceSerializer, key="source_id")

    class Meta:
        model = Citation
        fields = ["number", "source"]


class CorrectionSerializer(FastReadMixin, serializers.ModelSerializer):
    """A dated public correction."""

    class Meta:
        model = CorrectionNote
        fields = ["text", "published_at"]


class ArticleSerializer(ShapedMixin, serializers.ModelSerializer):
    """An article with its event, mentions, citations, claims (in order) and corrections."""

    expandable = ("event", "mentions", "sources", "claims")

    event = ExpandableField(EntitySummarySerializer, id_field="slug", allow_null=True)
    mentions = ExpandableField(EntitySummarySerializer, many=True, id_field="slug")
    citations = CitationSerializer(many=True, read_only=True)
    claims = ExpandableField(
        ClaimSummarySerializer, many=True, through="claim", source="appearances", key="claim_id"
    )
    corrections = CorrectionSerializer(many=True, read_only=True)
    api_url = ApiURLField("api:article-detail", lookup_field="slug")
    url = PageURLField()

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "standfirst",
            "body",
            "byline",
            "status",
            "published_at",
            "event",
            "mentions",
            "citations",
            "claims",
            "corrections",
            "version",
            "created_at",
            "updated_at",
            "api_url",
            "url",
        ]

    def expand_field(self, name: str) -> None:
        if name == "sources":  # the sources live inside the citations
            expanded = Shape(expand=frozenset({"source"}))
            self.fields["citations"] = CitationSerializer(many=True, read_only=True, shape=expanded)
        else:
            super().expand_field(name)


def _json_type_ok(field: serializers.Field, value) -> bool:
    """Is ``value`` of the JSON type the schema documents for ``field`` (no coercion)?"""
    if value is None:
        return True  # the field itself decides whether null is allowed
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return isinstance(value, list)
    if isinstance(field, serializers.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


class StrictWriteMixin:
    """Refuses fields the endpoint does not write and values of the wrong JSON type, naming
    them, instead of ignoring or coercing them (``"title": 0`` is not a headline)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name: f for name, f in self.fields.items() if not f.read_only}
            errors = {
                name: [f"Not writable here; send only {', '.join(writable)}."]
                for name in sorted(set(data) - set(writable))
            }
            for name, value in data.items():
                if name in writable and not _json_type_ok(writable[name], value):
                    errors[name] = ["Wrong type: see the schema at /api/schema/."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class SlugField(serializers.SlugRelatedField):
    """A related item by slug; a NUL character is refused before PostgreSQL would choke."""

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class ArticleWriteSerializer(StrictWriteMixin, serializers.ModelSerializer):
    """What a PATCH may change; status changes go through the transition endpoint."""

    event = SlugField(
        slug_field="slug",
        queryset=Entity.objects.filter(kind=EntityKind.EVENT),
        allow_null=True,
        required=False,
    )
    mentions = SlugField(
        slug_field="slug", queryset=Entity.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you edited (from a GET); a newer one on the server is a 409.",
    )

    class Meta:
        model = Article
        fields = ["title", "standfirst", "body", "byline", "event", "mentions", "version"]


class ArticleTransitionSerializer(StrictWriteMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ArticleStatus.choices)
    publish_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="With status=published: a future time schedules the article.",
    )

    def validate_publish_at(self, value):
        if value is not None:
            try:
                value.astimezone(dt.UTC)
            except OverflowError:
                raise serializers.ValidationError("Out of range once converted to UTC.") from None
        return value


class ClaimWriteSerializer(StrictWriteMixin, serializers.Serializer):
    """A verdict (status, status_note) or a figure change, with a correction when readers saw it."""

    status = serializers.ChoiceField(choices=VerificationStatus.choices, required=False)
    status_note = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=16)
    equivalent_amount = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    equivalent_unit = serializers.CharField(required=False, allow_blank=True, max_length=16)
    figure_date = serializers.DateField(required=False, allow_null=True)
    figure_date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, required=False, allow_blank=True
    )
    correction = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Correction note for readers, needed when a published claim changes.",
    )
