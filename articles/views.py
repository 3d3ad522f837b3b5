"""Public pages for readers. Only published coverage is ever shown."""

from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from .models import Article, Claim, Source
from .presenters import article_page_context


class HomeView(ListView):
    template_name = "home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().select_related("event")[:20]


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().with_related()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **article_page_context(self.object)}


def claim_detail(request, pk: int):
    claim = get_object_or_404(Claim.objects.published().with_related(), pk=pk)
    return render(request, "articles/claim_detail.html", {"claim": claim})


def source_detail(request, pk: int):
    source = get_object_or_404(Source.objects.public(), pk=pk)
    return render(request, "articles/source_detail.html", {"source": source})
