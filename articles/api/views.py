"""Claims, articles and sources over the API. Reads honour visibility; writes go through
``articles.services`` after the permission check in ``articles.roles``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coverage_site.rest.filters import ChoicesFilter
from coverage_site.rest.kept_page import KeptPage
from coverage_site.rest.pagination import CursorPagination
from coverage_site.rest.query import StrictOrderingFilter
from coverage_site.rest.renderers import CSVRenderer, JSONRenderer
from coverage_site.rest.viewsets import ApiViewSet
from entities.models import Entity

from .. import roles, services
from ..models import Article, ArticleStatus, Citation, Claim, ClaimAppearance, Source
from .filters import ArticleFilter, ClaimFilter, SourceFilter
from .rows import ClaimRows, plan_for, related_order
from .serializers import (
    ArticleSerializer,
    ArticleTransitionSerializer,
    ArticleWriteSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    SourceSerializer,
)

VERDICT_FIELDS = ("status", "status_note")

# (name, values) of each choice filter given -> their cleaned values; see _chosen_values
_CHOSEN: dict[tuple[tuple[str, tuple[str, ...]], ...], dict[str, list[str]]] = {}
MAX_CHOSEN = 256


def _appearances_visible_to(user) -> QuerySet:
    """Claims' appearances in the articles ``user`` may see, in the order a claim lists them.

    The articles' visibility is a condition on the article joined for its slug and title
    (``visible_condition``), not ``article__in=visible_to(user)``: the same rows, with one
    lookup of each article instead of two."""
    return (
        ClaimAppearance.objects.filter(Article.objects.visible_condition(user, "article__"))
        .select_related("article")
        # An appearance shows the article's slug and title; its text would only be transferred.
        .defer("article__body", "article__standfirst")
        .order_by("article__published_at", "article_id", "position")
    )


def _visible_appearances(view) -> Prefetch:
    return Prefetch("appearances", queryset=_appearances_visible_to(view.request.user))


def _kept_filter(filter_: object) -> bool:
    """Whether a filter's values are parameters of the query as they are, and only decide
    their number of ``=`` comparisons: a choice among a column's values."""
    return (
        type(filter_) is ChoicesFilter
        and filter_.method is None
        and filter_.lookup_expr == "exact"
        and not filter_.exclude
        and not filter_.distinct
    )


class ClaimViewSet(ApiViewSet):
    """Checkable claims with their verdicts, figures, sources and where they appear."""

    serializer_class = ClaimSerializer
    lookup_value_regex = "[0-9]+"
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = CursorPagination
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = ClaimFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    ordering = ["id"]
    http_method_names = ["get", "head", "patch", "options"]
    loading = {
        "speaker": (["speaker"], []),
        "subjects": ([], [Prefetch("subjects", Entity.objects.order_by(*related_order(Entity)))]),
        "sources": ([], [Prefetch("sources", Source.objects.order_by(*related_order(Source)))]),
        "appearances": ([], [_visible_appearances]),
    }

    #: Build lists from rows (``articles/api/rows.py``); off, the serializer builds them.
    rows_list = True

    def visible(self) -> QuerySet:
        return Claim.objects.visible_to(self.request.user)

    def list(self, request, *args, **kwargs) -> Response:
        plan = plan_for(self.shape) if self.rows_list else None
        if plan is None:
            return super().list(request, *args, **kwargs)
        reader = ClaimRows(
            plan,
            appearances=lambda: _appearances_visible_to(request.user),
            # Kept compiled for anonymous readers only, who all see the published articles.
            audience=None if request.user.is_authenticated else "anonymous",
        )
        page = self.paginate_queryset(self._page_query(reader))
        self.last_modified = max((row["updated_at"] for row in page), default=None)
        return self.get_paginated_response(reader.build(page, self.get_serializer_context()))

    def _page_query(self, reader: ClaimRows) -> QuerySet | KeptPage:
        """The page's rows to read: for an anonymous reader filtering by choices only (the
        status and kind of the claims, as most clients do), a :class:`KeptPage` whose query is
        compiled once per shape and rerun with the chosen values; otherwise the queryset.

        The filters are validated as ``DjangoFilterBackend`` does (the same 400s) and then
        applied by the filterset's own filters, each to the values of its parameter."""
        request = self.request
        filters = self.filterset_class.base_filters
        given = [name for name in request.query_params if name in filters]
        if request.user.is_authenticated or not all(_kept_filter(filters[n]) for n in given):
            return reader.select(self.filter_queryset(self.visible()))
        chosen = self._chosen_values(given)
        counts = tuple((name, len(values)) for name, values in chosen.items())
        others = [backend for backend in self.filter_backends if backend is not DjangoFilterBackend]

        def build(*values: str) -> QuerySet:
            queryset, start = self.visible(), 0
            filterset = DjangoFilterBackend().get_filterset(request, Claim.objects.all(), self)
            for name, count in counts:
                queryset = filterset.filters[name].filter(
                    queryset, list(values[start : start + count])
                )
                start += count
            for backend in others:
                queryset = backend().filter_queryset(request, queryset, self)
            return reader.select(queryset)

        values = tuple(value for name, _ in counts for value in chosen[name])
        return KeptPage(("claims page", "anonymous", self.shape, counts), build, values, Claim)

    def _chosen_values(self, given: list[str]) -> dict[str, list[str]]:
        """The cleaned values of the choice filters ``given``, validated as
        ``DjangoFilterBackend`` does (the same 400s).

        A choice filter's cleaned values depend on its parameter's values alone (its choices
        are fixed), so a valid set is kept, per process and bounded: building the filterset
        (django-filter deep-copies its filters) and its form to validate it again was about a
        twentieth of an anonymous page's time. Invalid values take the whole path every time.
        """
        params = self.request.query_params
        raw = tuple((name, tuple(params.getlist(name))) for name in given)
        chosen = _CHOSEN.get(raw)
        if chosen is None:
            filterset = DjangoFilterBackend().get_filterset(self.request, Claim.objects.all(), self)
            if not filterset.is_valid():
                raise translate_validation(filterset.errors)
            chosen = filterset.form.cleaned_data
            if len(_CHOSEN) >= MAX_CHOSEN:
                _CHOSEN.clear()  # any values may come: keep it bounded
            _CHOSEN[raw] = chosen
        return chosen

    @extend_schema(request=ClaimWriteSerializer, responses=ClaimSerializer)
    def partial_update(self, request, *args, **kwargs) -> Response:
        """Record a verdict (fact-checkers, editors) or change a figure (reporters, editors)."""
        claim = self.get_object()
        body = ClaimWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        correction = data.pop("correction", "")
        verdict = {k: data.pop(k) for k in VERDICT_FIELDS if k in data}
        if verdict and data:
            raise ValidationError(
                {"status": ["Send a verdict and a figure change as separate requests."]}
            )
        if not verdict and not data:
            raise ValidationError({"non_field_errors": ["Nothing to change."]})
        if verdict and not roles.may_verify(request.user):
            raise PermissionDenied("Only fact-checkers and editors may change a claim's verdict.")
        if data and not roles.may_edit_content(request.user):
            raise PermissionDenied("You may not edit claims.")
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=claim.pk)
            self.check_if_match(request, claim)
            if verdict:
                services.claim_set_status(
                    claim=claim,
                    status=verdict.get("status", claim.status),
                    note=verdict.get("status_note"),
                    correction=correction,
                    by=request.user,
                )
            else:
                services.claim_update_figure(
                    claim=claim, by=request.user, correction=correction, **data
                )
            # Read back under the row lock: the answer is the version this request wrote.
            return self.item_response(self.load(Claim.objects.all()).get(pk=claim.pk))


class ArticleViewSet(ApiViewSet):
    """Articles with their citations, claims and corrections, by slug."""

    serializer_class = ArticleSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = ArticleFilter
    ordering_fields = ["published_at", "updated_at", "created_at", "title"]
    ordering = ["-published_at", "-id"]
    http_method_names = ["get", "head", "patch", "post", "options"]
    loading = {
        "event": (["event"], []),
        "mentions": ([], [lambda view: view.mentions()]),
        "citations": ([], [lambda view: view.citations()]),
        "claims": ([], [lambda view: view.appearances()]),
        "corrections": ([], ["corrections"]),
    }

    # A relation that is not expanded shows identifiers only, so its prefetch reads the
    # identifiers, not whole rows: a page of 50 articles built about 2,000 sources, claims and
    # entities (every column) to show their ids and slugs.
    def mentions(self) -> Prefetch:
        if "mentions" in self.shape.expand:
            return Prefetch("mentions")
        return Prefetch("mentions", Entity.objects.only("pk", "slug"))

    def citations(self) -> Prefetch:
        if "sources" in self.shape.expand:
            return Prefetch("citations", Citation.objects.select_related("source"))
        return Prefetch("citations", Citation.objects.only("pk", "article", "number", "source"))

    def appearances(self) -> Prefetch:
        appearances = ClaimAppearance.objects.order_by("position")
        if "claims" in self.shape.expand:
            return Prefetch("appearances", appearances.select_related("claim"))
        return Prefetch("appearances", appearances.only("pk", "article", "claim"))

    def visible(self) -> QuerySet:
        return Article.objects.visible_to(self.request.user)

    def _reloaded(self, article: Article) -> Response:
        """The article as this request left it; called under the row lock, before commit, so a
        concurrent write cannot slip in and the version and ETag are those of this write."""
        return self.item_response(self.load(Article.objects.all()).get(pk=article.pk))

    @extend_schema(request=ArticleWriteSerializer, responses=ArticleSerializer)
    def partial_update(self, request, *args, **kwargs) -> Response:
        """Edit the text or links (reporters, editors); a stale ``version`` is a 409."""
        article = self.get_object()
        if not roles.may_edit_content(request.user):
            raise PermissionDenied("You may not edit articles.")
        body = ArticleWriteSerializer(article, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        mentions = data.pop("mentions", None)
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article.pk)
            self.check_if_match(request, article)
            expected = data.pop("version", article.version)
            for field, value in data.items():
                setattr(article, field, value)
            article._history_user = request.user
            services.article_save_if_unchanged(
                article=article, expected_version=expected, by=request.user
            )
            if mentions is not None:
                article.mentions.set(mentions)
            return self._reloaded(article)

    @extend_schema(request=ArticleTransitionSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs) -> Response:
        """Move through the workflow; publishing, unpublishing and archiving are for editors."""
        article = self.get_object()
        body = ArticleTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to_status = body.validated_data["status"]
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article.pk)
            self.check_if_match(request, article)
            if to_status == ArticleStatus.PUBLISHED:
                article = services.article_publish(
                    article=article, by=request.user, at=body.validated_data.get("publish_at")
                )
            else:
                article = services.article_transition(
                    article=article, to_status=to_status, by=request.user
                )
            return self._reloaded(article)


class SourceViewSet(ApiViewSet):
    """Documents cited by the coverage: articles, filings, releases."""

    serializer_class = SourceSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = SourceFilter
    ordering_fields = ["title", "published_on", "updated_at", "created_at"]
    ordering = ["title", "id"]

    def visible(self) -> QuerySet:
        # A list is counted and paged over every visible source: the tally's way is
        # cheaper. It reads the held-back ids at once, so not for the schema's stand-in view.
        listing = self.action == "list" and not getattr(self, "swagger_fake_view", False)
        return Source.objects.visible_to(self.request.user, listing=listing)
