"""Public entity pages. Only entities reached through published coverage are shown.

This app never imports ``articles``: claims, articles and sources are reached through the app
registry and their own visibility QuerySet methods, as ``EntityQuerySet.public()`` does.

A busy entity is involved in thousands of claims, so the page never loads them all: one
aggregate counts them per verification status, one page of the most recently updated is
listed (the claims explorer, filtered by the entity, has them all), and the charts take at
most ``FIGURES_PER_CHART`` figures per unit from the database.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Entity, EntityRelation
from .structured_data import absolute_url, entity_json_ld

CLAIMS_PER_PAGE = 25
FIGURES_PER_CHART = 12  # what ``figure_charts`` draws per unit; the query fetches no more
ARTICLES_SHOWN = 50


def _relations(entity: Entity) -> list[EntityRelation]:
    """Relations in both directions whose other end is public; ``source_public`` says
    whether the establishing document may be linked.

    The entity's relations come from the ``subject`` and ``object`` indexes, and whether the
    other end is public is asked once per relation (a correlated EXISTS on its id).
    ``object__in=Entity.objects.public()`` OR ``subject__in=...`` instead made PostgreSQL
    work out every public entity first: 2.4 s with the full benchmark data.
    """
    source_model = apps.get_model("articles", "Source")
    public_source = Exists(source_model.objects.public().filter(pk=OuterRef("source_id")))
    other_end = Case(When(subject=entity, then=F("object_id")), default=F("subject_id"))
    return list(
        EntityRelation.objects.filter(Q(subject=entity) | Q(object=entity))
        .alias(other_id=other_end)
        .filter(Exists(Entity.objects.public().filter(pk=OuterRef("other_id"))))
        .select_related("subject", "object", "source")
        .annotate(source_public=public_source)
    )


def _status_counts(claims: QuerySet) -> list[tuple[str, str, int]]:
    """(status, label, count) for each verification status the claims have, in the order
    the statuses are defined. One aggregate query."""
    status_field = apps.get_model("articles", "Claim")._meta.get_field("status")
    found = dict(claims.values_list("status").annotate(Count("pk")).order_by())
    return [(value, label, found[value]) for value, label in status_field.choices if value in found]


def _chart_figures(claims: QuerySet) -> list:
    """The largest ``FIGURES_PER_CHART`` figures in each chart unit: the claims
    ``figure_charts`` would keep out of all of them (a figure with a stated equivalent is
    charted in the equivalent's unit), ranked in the database so only those are loaded."""
    converted = Q(equivalent_amount__isnull=False)
    chart_unit = Case(When(converted, then=F("equivalent_unit")), default=F("unit"))
    chart_value = Case(When(converted, then=F("equivalent_amount")), default=F("amount"))
    ranked = claims.with_figures().annotate(
        chart_rank=Window(
            RowNumber(), partition_by=[chart_unit], order_by=[chart_value.desc(), F("pk").asc()]
        )
    )
    return list(ranked.filter(chart_rank__lte=FIGURES_PER_CHART).order_by("pk"))


def _claims_page(claims: QuerySet, total: int, number: str | None) -> Page:
    """One page of the claims, most recently updated first (the explorer's default order).

    The paginator is given the count the status counts already summed, which spares it a
    COUNT query over every claim."""
    paginator = Paginator(claims.for_listing().order_by("-updated_at", "pk"), CLAIMS_PER_PAGE)
    paginator.count = total  # a cached_property: setting it replaces the COUNT query
    return paginator.get_page(number)


@require_safe
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity.objects.public(), slug=slug)
    article_model = apps.get_model("articles", "Article")
    claim_model = apps.get_model("articles", "Claim")
    aliases = list(entity.aliases.all())
    # ``involving_by_ids()``: the entity's claims and articles are looked up by id, so the
    # cost follows how many it has, not how many the site has.
    claims = claim_model.objects.published().involving_by_ids(entity)
    status_counts = _status_counts(claims)
    total = sum(count for _, _, count in status_counts)
    context: dict[str, Any] = {
        "entity": entity,
        "aliases": aliases,
        "relations": _relations(entity),
        "status_counts": status_counts,
        "claim_count": total,
        "page_obj": _claims_page(claims, total, request.GET.get("page")),
        "figure_claims": _chart_figures(claims),
        "articles": list(
            article_model.objects.published()
            .involving_by_ids(entity)
            .select_related("event")[:ARTICLES_SHOWN]
        ),
        "canonical_url": absolute_url(entity.get_absolute_url()),
        "json_ld": entity_json_ld(entity, aliases=[alias.name for alias in aliases]),
    }
    return render(request, "entities/entity_detail.html", context)
