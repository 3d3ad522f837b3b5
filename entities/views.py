"""Public entity pages. Only entities reached through published coverage are shown.

This app never imports ``articles``: claims, articles and sources are reached through the app
registry and their own visibility QuerySet methods, as ``EntityQuerySet.public()`` does.

A busy entity is involved in thousands of claims, so the page never loads them all: their
counts per verification status and the sizes of its charts (figures per chart unit) come
from the tallies the database keeps (``Claim.objects.published_entity_counts()``), only the
``FIGURES_PER_CHART`` largest per unit are loaded for the charts (``_chart_figures``),
and one page of the most recently updated is listed (the claims explorer, filtered by the
entity, has them all). The entity's claims and articles are looked up by id
(``involving_by_ids()``), so the queries cost what the entity has, not what the site has;
only the newest few (and the largest figures) of an entity in a large share of the coverage
are found faster by walking the newest (largest) rows (``_walk_is_cheaper``).

The page's queries have a fixed shape once the way of reading is chosen, and building and
compiling them (nested visibility rules) cost more Python time than anything else the page
did: they are kept compiled per connection (``kept_list``) and rerun with the entity's id or
slug and the time of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.http import require_safe

from coverage_site.kept_queries import kept_list
from coverage_site.query_plans import generic_plans
from coverage_site.render_page import render_page

from .models import Entity, EntityAlias, EntityRedirect, EntityRelation
from .structured_data import absolute_url, entity_json_ld

CLAIMS_PER_PAGE = 25
FIGURES_PER_CHART = 12  # what ``figure_charts`` draws per unit; the query fetches no more
CHART_UNITS = 5  # units a busy entity's figures typically span (the benchmark data's five)
ARTICLES_SHOWN = 50


def _relations(entity_id: int) -> QuerySet:
    """Relations in both directions whose other end is public; ``source_public`` says
    whether the establishing document may be linked.

    The entity's relations come from the ``subject`` and ``object`` indexes, and whether the
    other end is public is asked once per relation (a correlated EXISTS on its id).
    ``object__in=Entity.objects.public()`` OR ``subject__in=...`` instead made PostgreSQL
    work out every public entity first: 2.4 s with the full benchmark data.
    """
    source_model = apps.get_model("articles", "Source")
    public_source = Exists(source_model.objects.public().filter(pk=OuterRef("source_id")))
    other_end = Case(When(subject=entity_id, then=F("object_id")), default=F("subject_id"))
    return (
        EntityRelation.objects.filter(Q(subject=entity_id) | Q(object=entity_id))
        .alias(other_id=other_end)
        .filter(Exists(Entity.objects.public().filter(pk=OuterRef("other_id"))))
        .select_related("subject", "object", "source")
        .annotate(source_public=public_source)
    )


def _public_entity(slug: str) -> QuerySet:
    """The public entity with ``slug`` (at most one), with ``site_size``: the highest claim
    id, a cheap stand-in for how many claims the site has (see ``_walk_is_cheaper``), read
    with the entity to spare a query."""
    claim_model = apps.get_model("articles", "Claim")
    site_size = Subquery(claim_model.objects.order_by("-pk").values("pk")[:1])
    return Entity.objects.public().annotate(site_size=site_size).filter(slug=slug).order_by()[:2]


def _claims(entity_id: int, walking: bool) -> QuerySet:
    """The entity's published claims, tested one by one (``involving()``, for walking an
    index) or looked up by id (``involving_by_ids()``)."""
    published = apps.get_model("articles", "Claim").objects.published()
    if walking:
        return published.involving(entity_id, probing=True)
    return published.involving_by_ids(entity_id)


def _status_counts(found: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) for each verification status ``found`` (status -> count of the
    entity's published claims) has, in the order the statuses are defined."""
    claim_model = apps.get_model("articles", "Claim")
    choices = claim_model._meta.get_field("status").choices
    return [(value, label, found[value]) for value, label in choices if value in found]


def _chart_figures(
    entity_id: int, total: int, site_size: int, page: Page, unit_sizes: dict[str, int]
) -> list:
    """The figures the charts draw: the largest ``FIGURES_PER_CHART`` of each chart unit
    among the entity's published claims, each with ``chart_unit_size``, how many figures
    its unit has (charts are ordered by it; ``unit_sizes`` gives them, as the tallies
    count them).

    When all of the entity's claims are on the page of claims listed, they are its figures
    (no query). Otherwise they are ranked by a window function over the claims looked up by
    id (one query). For an entity in a large share of the coverage, that reads and sorts
    thousands of figures; walking each unit's figures largest first down the
    ``claim_chart_rank`` index and testing each (``charted()``) stops after about
    ``FIGURES_PER_CHART`` of its own, however many it has. (Counting the units' sizes by a
    GROUP BY over its claims by id still read them all: 12 ms for the busiest entity of the
    full benchmark data, where the tally is a few index rows.)

    The queries are kept compiled (``kept_list``): the walk's by the number of units, whose
    names and sizes are its parameters (in the order ``charted()`` walks them). They read
    only what the charts show (``chart_rows()``, ``chart_figures()``), as the home page's
    figures are."""
    if total <= CLAIMS_PER_PAGE:
        return [claim for claim in page if claim.amount is not None]
    if not _walk_is_cheaper(total, site_size, FIGURES_PER_CHART * CHART_UNITS):
        rows = kept_list("entity-page:ranked-figures", _ranked_figures, entity_id)
    else:
        units_and_sizes = [value for unit_size in sorted(unit_sizes.items()) for value in unit_size]
        key = ("entity-page:walked-figures", len(units_and_sizes))
        rows = kept_list(key, _walked_figures, entity_id, *units_and_sizes)
    return apps.get_model("articles", "Claim").objects.chart_figures(rows)


def _ranked_figures(entity_id: int) -> QuerySet:
    ranked = _claims(entity_id, False).with_figures().with_chart_rank()
    ranked = ranked.filter(chart_rank__lte=FIGURES_PER_CHART).order_by("pk")
    return ranked.chart_rows()


def _walked_figures(entity_id: int, *units_and_sizes: str | int) -> QuerySet:
    sizes = dict(zip(units_and_sizes[::2], units_and_sizes[1::2], strict=True))
    walked = _claims(entity_id, True).charted(FIGURES_PER_CHART, sizes=sizes).order_by("pk")
    return walked.chart_rows()


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


def _claims_page(entity_id: int, total: int, site_size: int, number: str | None) -> Page:
    """One page of the claims, most recently updated first (the explorer's default order),
    read whichever way ``_walk_is_cheaper`` says (both select the same claims).

    The paginator is given the count the status counts already summed, which spares it a
    COUNT query over every claim; the page's query is kept compiled (``kept_list``) by
    way of reading and by offsets."""
    numbered = Paginator(range(total), CLAIMS_PER_PAGE).get_page(number)  # no query
    rows = numbered.object_list  # range(bottom, top)
    walking = _walk_is_cheaper(total, site_size, numbered.end_index())
    claims = []
    if rows:
        key = ("entity-page:claims", walking, rows.start, rows.stop)
        claims = kept_list(
            key, lambda pk: _listed_claims(pk, walking, rows.start, rows.stop), entity_id
        )
        claim_model = apps.get_model("articles", "Claim")
        claim_model.objects.listing_details(claims)
    return Page(claims, numbered.number, numbered.paginator)


def _listed_claims(entity_id: int, walking: bool, start: int, stop: int) -> QuerySet:
    """The claims from ``start`` to ``stop`` of the list, with their speakers.

    Looked up by id, every claim of the entity is read and sorted to find the page's: its
    ids are picked first, then their rows and speakers. Joining the speakers of all of them
    before the sort took longer than the sort (the 4,755 of the busiest entity of the full
    benchmark data, for page 20). A walk stops after the page's rows and joins only those."""
    order = ("-updated_at", "pk")
    claims = _claims(entity_id, walking)
    if not walking:
        page = claims.order_by(*order).values("pk")[start:stop]
        claims = apps.get_model("articles", "Claim").objects.filter(pk__in=page)
        start, stop = 0, None
    # The prefetches are made apart: their querysets hold the time they were built.
    return claims.for_listing().prefetch_related(None).order_by(*order)[start:stop]


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
    with generic_plans():
        context = _entity_context(request, slug)
    return render_page(request, "entities/entity_detail.html", context)


def _entity_context(request, slug):
    found = kept_list("entity-page:entity", _public_entity, slug)
    if not found:
        raise Http404("No Entity matches the given query.")
    entity = found[0]
    site_size = entity.site_size or 0
    aliases = kept_list(
        "entity-page:aliases", lambda pk: EntityAlias.objects.filter(entity=pk), entity.pk
    )
    claim_model = apps.get_model("articles", "Claim")
    statuses, unit_sizes = claim_model.objects.published_entity_counts(entity)
    status_counts = _status_counts(statuses)
    total = sum(count for _, _, count in status_counts)
    page = _claims_page(entity.pk, total, site_size, request.GET.get("page"))
    # An entity's share of the articles is at least about its share of the claims.
    walking = _walk_is_cheaper(total, site_size, ARTICLES_SHOWN)
    context: dict[str, Any] = {
        "entity": entity,
        "aliases": aliases,
        "relations": kept_list("entity-page:relations", _relations, entity.pk),
        "status_counts": status_counts,
        "claim_count": total,
        "page_obj": page,
        "figure_claims": _chart_figures(entity.pk, total, site_size, page, unit_sizes),
        "articles": kept_list(
            ("entity-page:articles", walking), lambda pk: _articles(pk, walking), entity.pk
        ),
        "canonical_url": absolute_url(entity.get_absolute_url()),
        "json_ld": entity_json_ld(entity, aliases=[alias.name for alias in aliases]),
    }
    return context


def _articles(entity_id: int, walking: bool) -> QuerySet:
    """The entity's newest published articles, tested one by one (walking the newest) or
    looked up by id."""
    articles = apps.get_model("articles", "Article").objects.published()
    articles = articles.only("title", "slug", "published_at")
    if walking:
        return articles.involving(entity_id, newest_first=True)[:ARTICLES_SHOWN]
    return articles.involving_by_ids(entity_id)[:ARTICLES_SHOWN]
