"""Public entity pages. Only entities reached through published coverage are shown.

This app never imports ``articles``: claims, articles and sources are reached through the app
registry and their own visibility QuerySet methods, as ``EntityQuerySet.public()`` does.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Entity
from .structured_data import absolute_url, entity_json_ld


def _relations(entity: Entity) -> list:
    """Relations in both directions whose other end is public; ``source_public`` says
    whether the establishing document may be linked."""
    source_model = apps.get_model("articles", "Source")
    public = Entity.objects.public()
    public_source = Exists(source_model.objects.public().filter(pk=OuterRef("source_id")))
    outgoing = entity.relations.filter(object__in=public)
    incoming = entity.inverse_relations.filter(subject__in=public)
    return list(
        (outgoing | incoming)
        .select_related("subject", "object", "source")
        .annotate(source_public=public_source)
    )


def _claims_by_status(claims: list) -> list[tuple[str, str, list]]:
    status_field = apps.get_model("articles", "Claim")._meta.get_field("status")
    return [
        (value, label, [claim for claim in claims if claim.status == value])
        for value, label in status_field.choices
        if any(claim.status == value for claim in claims)
    ]


@require_safe
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity.objects.public(), slug=slug)
    article_model = apps.get_model("articles", "Article")
    claim_model = apps.get_model("articles", "Claim")
    aliases = list(entity.aliases.all())
    claims = list(claim_model.objects.published().involving(entity).for_listing().order_by("pk"))
    context = {
        "entity": entity,
        "aliases": aliases,
        "relations": _relations(entity),
        "claim_groups": _claims_by_status(claims),
        "figure_claims": [claim for claim in claims if claim.amount is not None],
        "articles": list(
            article_model.objects.published().involving(entity).select_related("event")[:50]
        ),
        "canonical_url": absolute_url(entity.get_absolute_url()),
        "json_ld": entity_json_ld(entity, aliases=[alias.name for alias in aliases]),
    }
    return render(request, "entities/entity_detail.html", context)
