"""Public entity pages. Only entities reached through published coverage are shown.

This app never imports ``articles``: claims, articles and sources are reached through the app
registry and their own visibility QuerySet methods, as ``EntityQuerySet.public()`` does.

A busy entity is involved in thousands of claims, so the page never loads them all: one
pass over them in the database counts them per verification status and ranks their figures
(``_summary``; only the ``FIGURES_PER_CHART`` largest per unit are loaded, for the charts),
and one page of the most recently updated is listed (the claims explorer, filtered by the
entity, has them all). The entity's claims and
articles are looked up by id (``involving_by_ids()``), so the queries cost what the entity has,
not what the site has; only the newest few of an entity in a large share of the coverage are
found faster by walking the newest rows (``_walk_is_cheaper``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Entity, EntityRedirect, EntityRelation
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


def _summary(claims: QuerySet) -> tuple[list[tuple[str, str, int]], int, list]:
    """What the page says about all of the entity's claims, read in one pass over them.

    Returns (status, label, count) for each verification status the claims have, in the
    order the statuses are defined; the highest claim id on the site, a cheap stand-in for
    how many claims it has (see ``_walk_is_cheaper``); and the figures the charts draw: the
    largest ``FIGURES_PER_CHART`` in each chart unit, the claims ``figure_charts`` would keep
    out of all of them (a figure with a stated equivalent is charted in the equivalent's
    unit), ranked in the database so only those are loaded.

    Counting and ranking are window functions over the same rows, and only the rows that
    carry a count (the first of each status) or a chart figure come back: checking that each
    of a busy entity's 5,000 claims is published is the expensive part, and two queries (an
    aggregate and a ranking) did it twice.
    """
    claim_model = apps.get_model("articles", "Claim")
    rows = (
        claims.with_chart_rank()
        .annotate(
            status_count=Window(Count("pk"), partition_by=[F("status")]),
            status_row=Window(RowNumber(), partition_by=[F("status")]),
            site_size=Subquery(claim_model.objects.order_by("-pk").values("pk")[:1]),
        )
        .filter(Q(status_row=1) | Q(chart_rank__lte=FIGURES_PER_CHART))
        .values_list(
            *("pk", "status", "status_count", "status_row", "chart_rank", "chart_unit_size"),
            "site_size",
        )
        .order_by()
    )
    found: dict[str, int] = {}
    unit_sizes: dict[int, int] = {}  # of each charted figure: how many figures its unit has
    site_size = 0
    for pk, status, status_count, status_row, chart_rank, unit_size, highest in rows:
        if status_row == 1:
            found[status] = status_count
        if chart_rank is not None and chart_rank <= FIGURES_PER_CHART:
            unit_sizes[pk] = unit_size
        site_size = max(site_size, highest or 0)
    status_field = claim_model._meta.get_field("status")
    counts = [
        (value, label, found[value]) for value, label in status_field.choices if value in found
    ]
    figures = (
        list(claim_model.objects.filter(pk__in=unit_sizes).order_by("pk")) if unit_sizes else []
    )
    for claim in figures:
        claim.chart_unit_size = unit_sizes[claim.pk]  # charts are ordered by it
    return counts, site_size, figures


def _walk_is_cheaper(matching: int, site_size: int, wanted: int) -> bool:
    """Whether the newest ``wanted`` of an entity's claims (or articles) are found faster by
    walking the site's newest rows and testing each (``involving()``) than by looking up all
    of the entity's rows by id (``involving_by_ids()``).

    Walking tests about ``wanted * site_size / matching`` rows, the lookup ``matching``. Only
    an entity in a large share of the coverage gains: the busiest of the full benchmark data
    (4,755 of 100,000 claims) reads 5,000 buffers for its first page instead of 46,000, while
    an entity with 48 claims would read 38,000 instead of 500 (half a million for articles).
    """
    return matching * matching > wanted * site_size


def _claims_page(
    by_ids: QuerySet, walk: QuerySet, total: int, site_size: int, number: str | None
) -> Page:
    """One page of the claims, most recently updated first (the explorer's default order),
    read whichever way ``_walk_is_cheaper`` says (both select the same claims).

    The paginator is given the count the status counts already summed, which spares it a
    COUNT query over every claim."""
    numbered = Paginator(range(total), CLAIMS_PER_PAGE).get_page(number)  # no query
    claims = walk if _walk_is_cheaper(total, site_size, numbered.end_index()) else by_ids
    paginator = Paginator(claims.for_listing().order_by("-updated_at", "pk"), CLAIMS_PER_PAGE)
    paginator.count = total  # a cached_property: setting it replaces the COUNT query
    return paginator.page(numbered.number)


def follows_old_addresses(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page not found under an entity's old slug (renamed, or merged into another) is
    permanently redirected to the entity's page, with the query string kept."""

    @wraps(view)
    def view_or_redirect(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, **kwargs)
        except Http404:
            moved = (
                EntityRedirect.objects.filter(old_slug=slug, entity__in=Entity.objects.public())
                .select_related("entity")
                .first()
            )
            if moved is None:
                raise
            query = request.META.get("QUERY_STRING", "")
            url = moved.entity.get_absolute_url() + (f"?{query}" if query else "")
            return HttpResponsePermanentRedirect(url)

    return view_or_redirect


@require_safe
@follows_old_addresses
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity.objects.public(), slug=slug)
    article_model = apps.get_model("articles", "Article")
    claim_model = apps.get_model("articles", "Claim")
    aliases = list(entity.aliases.all())
    published = claim_model.objects.published()
    claims = published.involving_by_ids(entity)
    status_counts, site_size, figure_claims = _summary(claims)
    total = sum(count for _, _, count in status_counts)
    articles = article_model.objects.published().only("title", "slug", "published_at")
    # An entity's share of the articles is at least about its share of the claims.
    if _walk_is_cheaper(total, site_size, ARTICLES_SHOWN):
        articles = articles.involving(entity)
    else:
        articles = articles.involving_by_ids(entity)
    context: dict[str, Any] = {
        "entity": entity,
        "aliases": aliases,
        "relations": _relations(entity),
        "status_counts": status_counts,
        "claim_count": total,
        "page_obj": _claims_page(
            claims, published.involving(entity), total, site_size, request.GET.get("page")
        ),
        "figure_claims": figure_claims,
        "articles": list(articles[:ARTICLES_SHOWN]),
        "canonical_url": absolute_url(entity.get_absolute_url()),
        "json_ld": entity_json_ld(entity, aliases=[alias.name for alias in aliases]),
    }
    return render(request, "entities/entity_detail.html", context)
