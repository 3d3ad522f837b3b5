"""Public pages for readers. Only published coverage is ever shown: every query starts from
``Article.objects.published()``, ``Claim.objects.published()``, ``Entity.objects.public()`` or
``Source.objects.public()``."""

from __future__ import annotations

from functools import cache
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from coverage_site.fulltext import Terms
from coverage_site.render_page import render_page
from entities.structured_data import absolute_url

from .changes import moved_columns
from .filters import ClaimExplorerFilter, explorer_queryset
from .models import Article, Claim, PledgeStatus, Source
from .presenters import article_page_context, claim_status_history, home_page_context
from .search import MAX_QUERY_LENGTH, search_everything
from .sitemaps import SITEMAPS, news_articles
from .structured_data import SITE_NAME, claim_graph

CLAIMS_PER_PAGE = 25
PLEDGES_PER_PAGE = 50
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render_page(request, "home.html", home_page_context())


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The event comes with the page's other entities (``article_page_context``), the change
    # log's checks with the article itself: a round trip less.
    article = Article.objects.published_with_slug(slug, extra=moved_columns())
    if article is None:
        raise Http404("No article with that address.")
    context = article_page_context(article, moved=article.extra_values)
    return render_page(request, "articles/article_detail.html", context)


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
    return render_page(request, "articles/claim_detail.html", context)


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
    return render_page(request, "articles/source_detail.html", context)


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
    return render_page(request, "articles/claim_list.html", context)


@require_safe
def pledge_list(request: HttpRequest) -> HttpResponse:
    """Published pledges, 50 a page in target-date order (``?page=``, ``?status=``), under a
    summary counting every published pledge by status. A page number or status that does
    not exist answers 404 or 400 with the summary and a line saying what to ask instead."""
    pledges = Claim.objects.published().pledges()
    counts = pledges.pledge_status_counts()
    context: dict = {
        "summary": [(PledgeStatus(status), count) for status, count in counts.items()],
        "total": sum(counts.values()),
        "status": None,
    }
    status = request.GET.get("status", "")
    if status:
        if status not in PledgeStatus.values:
            known = ", ".join(f"“{value}”" for value in PledgeStatus.values)
            error = f"There is no pledge status “{status}”: use one of {known}."
            return _pledge_error(request, context, error, HTTPStatus.BAD_REQUEST)
        pledges = pledges.in_pledge_status(status)
        context["status"] = PledgeStatus(status)
    # Pages by the ids alone (read from the index, however deep the page), then that
    # page's rows: an OFFSET over whole rows read every skipped pledge from the table.
    paginator = Paginator(pledges.in_pledge_order().values("pk"), PLEDGES_PER_PAGE)
    paginator.count = counts[status] if status else context["total"]  # no COUNT query
    number = request.GET.get("page", "1")
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        error = f"“{number}” is not a page number: the pledges fill pages 1 to "
        error += f"{paginator.num_pages}."
        return _pledge_error(request, context, error, HTTPStatus.BAD_REQUEST)
    except EmptyPage:
        error = f"There is no page {number}: the pledges fill pages 1 to {paginator.num_pages}."
        return _pledge_error(request, context, error, HTTPStatus.NOT_FOUND)
    page.object_list = list(
        Claim.objects.filter(pk__in=page.object_list).in_pledge_order().for_listing()
    )
    context.update(
        page_obj=page,
        pledges=page.object_list,
        canonical_url=_pledges_url(status, page.number),
        previous_url=_pledges_url(status, page.number - 1) if page.has_previous() else "",
        next_url=_pledges_url(status, page.number + 1) if page.has_next() else "",
    )
    return render_page(request, "articles/pledge_list.html", context)


def _pledge_error(request: HttpRequest, context: dict, error: str, code: int) -> HttpResponse:
    context.update(error=error, status=None, canonical_url=_pledges_url("", 1))
    return render_page(request, "articles/pledge_list.html", context, status=code)


def _pledges_url(status: str, number: int) -> str:
    """The absolute address of a page of the pledge tracker (page 1 has no ``page``)."""
    params: dict[str, str | int] = {"status": status} if status else {}
    if number > 1:
        params["page"] = number
    query = f"?{urlencode(params)}" if params else ""
    return absolute_url(reverse("articles:pledge_list") + query)


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
    return render_page(request, "search.html", context)


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Django's sitemap index: a link to each page of each section (``sitemaps.py``).

    Django writes those links on the request's host; like every absolute link of ours they
    belong on ``SITE_URL``, so they are moved there before the response renders."""
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="articles:sitemap_section")
    for item in response.context_data["sitemaps"]:
        link = urlsplit(item.location)
        item.location = absolute_url(f"{link.path}?{link.query}" if link.query else link.path)
    return response


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    context = {"articles": news_articles(), "site_name": SITE_NAME, "site_url": settings.SITE_URL}
    return render_page(request, "news_sitemap.xml", context, content_type="application/xml")


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
