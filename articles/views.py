"""Public pages for readers. Only published coverage is ever shown: every query starts from
``Article.objects.published()``, ``Claim.objects.published()``, ``Entity.objects.public()`` or
``Source.objects.public()``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from coverage_site.fulltext import Terms
from entities.structured_data import absolute_url

from .changes import moved_columns
from .filters import ClaimExplorerFilter, explorer_queryset
from .models import Article, Claim, PledgeStatus, Source
from .presenters import article_page_context, claim_status_history, home_page_context
from .search import MAX_QUERY_LENGTH, search_everything
from .sitemaps import news_articles
from .structured_data import SITE_NAME, claim_graph

CLAIMS_PER_PAGE = 25
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", home_page_context())


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The event comes with the page's other entities (``article_page_context``), the change
    # log's checks with the article itself: a round trip less.
    article = Article.objects.published_with_slug(slug, extra=moved_columns())
    if article is None:
        raise Http404("No article with that address.")
    context = article_page_context(article, moved=article.extra_values)
    return render(request, "articles/article_detail.html", context)


@require_safe
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.published().select_related("speaker").prefetch_related("subjects"), pk=pk
    )
    appearances = list(
        claim.appearances.filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("article__published_at", "pk")
    )
    sources = list(claim.sources.order_by("title"))
    articles = list({a.article_id: a.article for a in appearances}.values())
    context = {
        "claim": claim,
        "appearances": appearances,
        "sources": sources,
        "status_history": claim_status_history(claim),
        "canonical_url": absolute_url(claim.get_absolute_url()),
        "json_ld": claim_graph(claim, articles=articles, sources=sources),
    }
    return render(request, "articles/claim_detail.html", context)


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.public(), pk=pk)
    context = {
        "source": source,
        "claims": list(
            Claim.objects.published().filter(claim_sources__source=source).for_listing()
        ),
        "articles": list(Article.objects.published().filter(citations__source=source)),
        "canonical_url": absolute_url(source.get_absolute_url()),
    }
    return render(request, "articles/source_detail.html", context)


@require_safe
def claim_list(request: HttpRequest) -> HttpResponse:
    filterset = ClaimExplorerFilter(request.GET or None, queryset=explorer_queryset())
    page = Paginator(filterset.qs, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "claims": page.object_list,
        "canonical_url": absolute_url(reverse("articles:claim_list")),
    }
    return render(request, "articles/claim_list.html", context)


@require_safe
def pledge_list(request: HttpRequest) -> HttpResponse:
    pledges = list(
        Claim.objects.published()
        .pledges()
        .for_listing()
        .order_by(F("figure_date").asc(nulls_last=True), "pk")
    )
    counts = dict.fromkeys(PledgeStatus.values, 0)
    for pledge in pledges:
        counts[pledge.pledge_status or PledgeStatus.PENDING] += 1
    context = {
        "pledges": pledges,
        "summary": [(PledgeStatus(status), count) for status, count in counts.items()],
        "canonical_url": absolute_url(reverse("articles:pledge_list")),
    }
    return render(request, "articles/pledge_list.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())
    context: dict = {"query": query, "results": None, "error": ""}
    terms = Terms.parse(query)
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = (
            f"That search is {len(query)} characters long; please use at most "
            f"{MAX_QUERY_LENGTH}, a few words are enough."
        )
    elif terms.exclude and not terms.include:
        # Only words to leave out match nearly every document: all of the site, unranked.
        context["error"] = (
            "Add a word or phrase to look for: a search with only words to leave out "
            f"({query}) would list nearly everything."
        )
    elif query:
        context["results"] = search_everything(query)
    return render(request, "search.html", context)


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    context = {"articles": news_articles(), "site_name": SITE_NAME, "site_url": settings.SITE_URL}
    return render(request, "news_sitemap.xml", context, content_type="application/xml")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(reverse('articles:sitemap'))}",
        f"Sitemap: {absolute_url(reverse('articles:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")
