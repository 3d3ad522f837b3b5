"""Receivers that only note what changed (``sync.tracking.touch``); the logic is in services."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles.models import (
    Article,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimSource,
    CorrectionNote,
    Source,
)
from articles.signals import links_moved
from entities.models import Entity, EntityAlias

from .models import ObjectKind
from .tracking import touch

KINDS = {
    Article: ObjectKind.ARTICLE,
    Claim: ObjectKind.CLAIM,
    Entity: ObjectKind.ENTITY,
    Source: ObjectKind.SOURCE,
}
# Rows that link objects: which foreign keys point at which kind.
LINKS = {
    Citation: {"article_id": ObjectKind.ARTICLE, "source_id": ObjectKind.SOURCE},
    ClaimSource: {"claim_id": ObjectKind.CLAIM, "source_id": ObjectKind.SOURCE},
    ClaimAppearance: {"claim_id": ObjectKind.CLAIM, "article_id": ObjectKind.ARTICLE},
    CorrectionNote: {"article_id": ObjectKind.ARTICLE},
    EntityAlias: {"entity_id": ObjectKind.ENTITY},
    Article.mentions.through: {"article_id": ObjectKind.ARTICLE, "entity_id": ObjectKind.ENTITY},
    Claim.subjects.through: {"claim_id": ObjectKind.CLAIM, "entity_id": ObjectKind.ENTITY},
}


def object_changed(sender, instance, using, **kwargs) -> None:
    touch(KINDS[sender], [instance.pk], using=using)


def link_changed(sender, instance, using, **kwargs) -> None:
    for field, kind in LINKS[sender].items():
        touch(kind, [getattr(instance, field)], using=using)


def entity_deleting(sender, instance, using, **kwargs) -> None:
    # Deleting an entity drops its subject and mention rows without any signal (Django sends
    # none for automatic many-to-many tables), so note the claims and articles now.
    touch(ObjectKind.CLAIM, instance.claims_about.values_list("pk", flat=True), using=using)
    articles = instance.mentioned_in_articles.values_list("pk", flat=True)
    touch(ObjectKind.ARTICLE, articles, using=using)


def links_moved_in_bulk(sender, pks, **kwargs) -> None:
    # An entity merge re-points subjects and mentions with queryset updates (no m2m_changed).
    kind = KINDS.get(sender)
    if kind is not None:
        touch(kind, pks)


def many_to_many_changed(sender, instance, action, model, pk_set, using, **kwargs) -> None:
    touch(KINDS[type(instance)], [instance.pk], using=using)
    if action in {"post_add", "post_remove"}:
        touch(KINDS[model], pk_set or (), using=using)
    elif action == "pre_clear":
        own, other = _link_fields(sender, type(instance))
        linked = sender.objects.filter(**{own: instance.pk}).values_list(other, flat=True)
        touch(KINDS[model], linked, using=using)


def _link_fields(through, model) -> tuple[str, str]:
    fields = LINKS[through]
    own = next(f for f, kind in fields.items() if kind == KINDS[model])
    other = next(f for f in fields if f != own)
    return own, other


def connect() -> None:
    for model in KINDS:
        post_save.connect(object_changed, sender=model, dispatch_uid=f"sync-save-{model.__name__}")
        post_delete.connect(
            object_changed, sender=model, dispatch_uid=f"sync-delete-{model.__name__}"
        )
    for through in (model for model in LINKS if not model._meta.auto_created):
        name = through._meta.label
        post_save.connect(link_changed, sender=through, dispatch_uid=f"sync-save-{name}")
        post_delete.connect(link_changed, sender=through, dispatch_uid=f"sync-delete-{name}")
    for field in (Article.mentions, Article.sources, Claim.subjects, Claim.sources):
        m2m_changed.connect(
            many_to_many_changed,
            sender=field.through,
            dispatch_uid=f"sync-m2m-{field.through._meta.label}",
        )
    pre_delete.connect(entity_deleting, sender=Entity, dispatch_uid="sync-entity-deleting")
    links_moved.connect(links_moved_in_bulk, dispatch_uid="sync-links-moved")
