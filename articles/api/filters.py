"""API filters for claims, articles and sources (django-filter FilterSets).

Identifiers (entity and article slugs, source ids) are chosen among what the client may see,
so an unknown or unpublished one is the same 400, and nothing hidden is revealed.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from coverage_site.rest.filters import (
    AmountFilter,
    ChoicesFilter,
    IdChoiceFilter,
    QFilter,
    SearchFilter,
    SlugChoiceFilter,
    StrictFilterSet,
    UpdatedSinceFilter,
)
from entities.models import Entity

from ..models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimKind,
    ClaimSource,
    Source,
    VerificationStatus,
)
from ..search import search_articles, search_claims


def _user(request):
    return getattr(request, "user", None)


def visible_entities(request):
    return Entity.objects.visible_to(_user(request))


def visible_articles(request):
    return Article.objects.visible_to(_user(request))


def visible_sources(request):
    return Source.objects.visible_to(_user(request))


def _entity_choice(help_text: str, **kwargs) -> SlugChoiceFilter:
    return SlugChoiceFilter(queryset=visible_entities, help_text=help_text, **kwargs)


class ClaimFilter(StrictFilterSet):
    article = SlugChoiceFilter(
        queryset=visible_articles,
        method="filter_article",
        help_text="Article slug: claims appearing in it.",
    )
    entity = _entity_choice("Entity slug: claims about it or spoken by it.", method="filter_entity")
    subject = _entity_choice("Entity slug: claims about it.", method="filter_subject")
    speaker = _entity_choice("Entity slug: claims it made.", field_name="speaker")
    kind = ChoicesFilter(choices=ClaimKind.choices, help_text="Claim kind.")
    status = ChoicesFilter(
        choices=VerificationStatus.choices, help_text="Verification status, e.g. verified."
    )
    unit = django_filters.CharFilter(
        lookup_expr="iexact", help_text="Figure unit: ISO 4217 code (USD, KRW) or GPU, MW…"
    )
    amount_min = AmountFilter(field_name="amount", lookup_expr="gte", help_text="Amount ≥.")
    amount_max = AmountFilter(field_name="amount", lookup_expr="lte", help_text="Amount ≤.")
    amount_usd_min = AmountFilter(
        method="filter_usd", help_text="Stated US-dollar value (amount or equivalent) ≥."
    )
    amount_usd_max = AmountFilter(
        method="filter_usd", help_text="Stated US-dollar value (amount or equivalent) ≤."
    )
    figure_date_from = django_filters.DateFilter(
        field_name="figure_date", lookup_expr="gte", help_text="Target / reference date ≥."
    )
    figure_date_to = django_filters.DateFilter(
        field_name="figure_date", lookup_expr="lte", help_text="Target / reference date ≤."
    )
    source = IdChoiceFilter(
        queryset=visible_sources, method="filter_source", help_text="Source id: claims it backs."
    )
    q = SearchFilter(
        search=lambda queryset, value: search_claims(queryset, value, ranked=False),
        help_text=(
            "Search the wording and the speaker's name, as on the search page: words, "
            '"a phrase", -exclude, or.'
        ),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_article(self, queryset, name, value) -> QuerySet:
        return queryset.appearing_in(value)

    def filter_entity(self, queryset, name, value) -> QuerySet:
        return queryset.involving(value)

    def filter_subject(self, queryset, name, value) -> QuerySet:
        return queryset.about(value)

    def filter_usd(self, queryset, name, value) -> QuerySet:
        lookup = "gte" if name == "amount_usd_min" else "lte"
        return queryset.with_amount_usd().filter(**{f"amount_usd_value__{lookup}": value})

    def filter_source(self, queryset, name, value) -> QuerySet:
        backed = ClaimSource.objects.filter(claim=OuterRef("pk"), source=value)
        return queryset.filter(Exists(backed))


class ArticleFilter(StrictFilterSet):
    event = _entity_choice("Event slug: articles covering it.", field_name="event")
    entity = _entity_choice(
        "Entity slug: articles covering it, mentioning it or carrying claims by or about it.",
        method="filter_entity",
    )
    published_from = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", help_text="Published on or after."
    )
    published_to = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", help_text="Published on or before."
    )
    status = ChoicesFilter(
        choices=ArticleStatus.choices,
        help_text="Workflow status; only staff see anything but published articles.",
    )
    q = SearchFilter(
        search=search_articles,
        help_text=(
            "Search the headline, standfirst and body, as on the search page: words, "
            '"a phrase", -exclude, or. Best matches first unless ordering is given.'
        ),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_entity(self, queryset, name, value) -> QuerySet:
        return queryset.involving(value)


class SourceFilter(StrictFilterSet):
    article = SlugChoiceFilter(
        queryset=visible_articles,
        method="filter_article",
        help_text="Article slug: sources it cites.",
    )
    publisher = django_filters.CharFilter(lookup_expr="iexact", help_text="Publisher, any case.")
    language = django_filters.CharFilter(lookup_expr="iexact", help_text="BCP 47 code, e.g. ko.")
    published_from = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after."
    )
    published_to = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before."
    )
    q = QFilter(help_text="Words to find in the title, publisher or URL.")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_article(self, queryset, name, value) -> QuerySet:
        cited = Citation.objects.filter(source=OuterRef("pk"), article=value)
        return queryset.filter(Exists(cited))

    @staticmethod
    def q_word(word: str) -> Q:
        return Q(title__icontains=word) | Q(publisher__icontains=word) | Q(url__icontains=word)
