"""django-filter FilterSets for the public pages (the claims explorer).

The API's stricter FilterSets (``articles/api/filters.py``) share the same rules through the
QuerySet methods ``involving()``, ``about()`` and ``appearing_in()``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import Case, F, Subquery, Value, When
from django_filters.constants import EMPTY_VALUES

from entities.models import Entity

from .models import Article, Claim, ClaimKind, VerificationStatus


def unit_choices() -> list[tuple[str, str]]:
    """The units of published claims' figures, A–Z.

    Asked as two cheap questions, not one dear one: which units any claim has, then, for each
    unit, whether a published claim has it (the first found ends the search). Testing every
    claim for publication before picking out the distinct units took 0.1 s with the full
    benchmark data, on every explorer page.
    """
    units = _units_on_file()
    if not units:
        return []
    first_published = [
        Subquery(Claim.objects.published().filter(unit=unit).order_by().values("pk")[:1])
        for unit in units
    ]
    offered = set(
        Claim.objects.filter(pk__in=first_published).order_by().values_list("unit", flat=True)
    )
    return [(unit, unit) for unit in units if unit in offered]


def _units_on_file() -> list[str]:
    """Every unit a claim has, A–Z, as ``SELECT DISTINCT unit`` would give them, but read
    from the ``claim_unit`` index one step a unit (a loose index scan: each step asks for
    the least unit after the last one found). DISTINCT read every claim, 20 ms at 100,000
    claims; this reads a handful of index entries. A recursive query, which the ORM does
    not write."""
    table = connection.ops.quote_name(Claim._meta.db_table)
    sql = f"""
        WITH RECURSIVE units (unit) AS (
            SELECT MIN(unit) FROM {table} WHERE unit > ''
            UNION ALL
            SELECT (SELECT MIN(c.unit) FROM {table} c WHERE c.unit > units.unit AND c.unit > '')
            FROM units WHERE units.unit IS NOT NULL
        )
        SELECT unit FROM units WHERE unit IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [unit for (unit,) in cursor.fetchall()]


ENTITY_HELP = "The last part of the entity's page address, as in /entities/sk-group/."
ARTICLE_HELP = "The last part of the article's page address, after /articles/."
FIGURE_LAST = Case(When(amount__isnull=True, then=Value(1)), default=Value(0))


class ClaimOrderingFilter(django_filters.OrderingFilter):
    """Sorting by figure compares like with like: grouped by unit (dollars are never ranked
    against won), claims without a figure last, whichever the direction."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            name = field.lstrip("-")
            expression = F(name).desc() if field.startswith("-") else F(name).asc()
            if name == "amount":
                ordering += [FIGURE_LAST, "unit"]
            ordering.append(expression)
        return qs.order_by(*ordering, "pk")


class ClaimExplorerFilter(django_filters.FilterSet):
    """Published claims by entity, kind, status, article and unit, with a sort order.

    Choice querysets are callables: ``published()`` reads the clock, so it must run per
    request, not once at import (a scheduled article would never join the list).

    The entity and the article are typed (their slugs, as in their pages' addresses), not
    picked from lists: drop-downs of every public entity and every published article made
    each explorer page work out which of the 5,000 entities of the benchmark data are public
    and send them all with the 9,500 articles (half a second of queries, over a second of
    rendering, 1.5 MB of options). A typed slug is still checked against
    ``Entity.objects.public()`` or ``Article.objects.published()``, for that one only;
    entity pages link here with theirs filled in.
    """

    entity = django_filters.ModelChoiceFilter(
        label="Entity",
        queryset=lambda request: Entity.objects.public(),
        to_field_name="slug",
        method="filter_entity",
        widget=forms.TextInput(attrs={"placeholder": "e.g. sk-group", "spellcheck": "false"}),
        help_text=ENTITY_HELP,
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=ClaimKind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=VerificationStatus.choices, empty_label="Any status"
    )
    article = django_filters.ModelChoiceFilter(
        label="Article",
        queryset=lambda request: Article.objects.published(),
        to_field_name="slug",
        method="filter_article",
        widget=forms.TextInput(attrs={"placeholder": "e.g. summit-opens", "spellcheck": "false"}),
        help_text=ARTICLE_HELP,
    )
    unit = django_filters.ChoiceFilter(label="Unit", choices=unit_choices, empty_label="Any unit")
    sort = ClaimOrderingFilter(
        label="Sort by",
        empty_label="Recently updated",
        fields=(("updated_at", "updated"), ("amount", "amount"), ("text", "text")),
        field_labels={
            "updated_at": "Oldest update first",
            "-updated_at": "Recently updated",
            "amount": "Smallest figure first, by unit",
            "-amount": "Largest figure first, by unit",
            "text": "Wording A–Z",
            "-text": "Wording Z–A",
        },
    )

    class Meta:
        model = Claim
        fields = ["entity", "kind", "status", "article", "unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Once per page: a callable would be asked again to validate and then to render.
        self.filters["unit"].extra["choices"] = unit_choices()

    def filter_entity(self, queryset, name, value):
        return queryset.involving_by_ids(value) if value else queryset

    def filter_article(self, queryset, name, value):
        return queryset.appearing_in(value) if value else queryset


def explorer_queryset():
    """Claims the explorer lists, with what each row shows loaded up front."""
    return Claim.objects.published().for_listing()
