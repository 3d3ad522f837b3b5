"""Entities in the editors' admin: aliases and relations inline, review, merging duplicates.

Registered here rather than in ``entities/admin.py`` because merging is an editorial service
(``articles.services.entity_merge``) gated by ``articles.roles``, and ``entities`` never imports
``articles``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.template.response import TemplateResponse

from coverage_site.subqueries import count_of
from entities.models import Entity, EntityAlias, EntityRelation

from .. import roles
from ..models import Claim
from ..services import entity_merge
from .history import HistoryCompareAdmin
from .search_terms import search_words


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["name", "language"]


class EntityRelationInline(admin.TabularInline):
    model = EntityRelation
    fk_name = "subject"
    extra = 0
    autocomplete_fields = ["object", "source"]
    verbose_name = "relation (this entity is the subject)"
    verbose_name_plural = "relations (this entity is the subject)"


class InverseRelationInline(admin.TabularInline):
    model = EntityRelation
    fk_name = "object"
    extra = 0
    fields = ["subject", "kind", "source"]
    autocomplete_fields = ["subject", "source"]
    verbose_name = "relation (this entity is the object)"
    verbose_name_plural = "relations (this entity is the object)"


@admin.register(Entity)
class EntityAdmin(HistoryCompareAdmin):
    list_display = ["name", "kind", "wikidata_id", "needs_review", "claim_count", "updated_at"]
    list_filter = ["needs_review", "kind"]
    search_fields = ["name", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EntityAliasInline, EntityRelationInline, InverseRelationInline]
    actions = ["merge_duplicates", "mark_reviewed"]

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Entity.objects.public().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    def get_search_results(self, request, queryset, search_term):
        """Every word (or quoted phrase) in the name, the Wikidata ID or one of the aliases.

        Django's own search joins the aliases and so makes the list DISTINCT over every column:
        ~200 ms per search at 5,000 entities, paid on each keystroke of the autocomplete boxes
        (speaker, subjects, mentions, event, the claim queue's filters). An alias is looked up
        with EXISTS instead; no row can come twice.
        """
        for word in search_words(search_term):
            alias = EntityAlias.objects.filter(entity=OuterRef("pk"), name__icontains=word)
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(wikidata_id__icontains=word) | Exists(alias)
            )
        return queryset, False

    def get_queryset(self, request):
        spoken = Claim.objects.filter(speaker=OuterRef("pk"))
        return super().get_queryset(request).annotate(spoken=count_of(spoken))

    @admin.display(description="claims as speaker", ordering="spoken")
    def claim_count(self, entity: Entity) -> int:
        return entity.spoken

    def has_merge_permission(self, request) -> bool:
        return roles.may_merge_entities(request.user)

    @admin.action(description="Mark selected entities reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = 0
        for entity in queryset.filter(needs_review=True):
            entity.needs_review = False
            entity._history_user = request.user
            entity.save()
            count += 1
        self.message_user(request, f"{count} marked reviewed.", messages.SUCCESS)

    @admin.action(description="Merge selected duplicates…", permissions=["merge"])
    def merge_duplicates(self, request, queryset):
        entities = list(queryset.order_by("name"))
        if len(entities) < 2:
            self.message_user(request, "Select at least two entities to merge.", messages.ERROR)
            return None
        keep = next((e for e in entities if str(e.pk) == request.POST.get("keep")), None)
        if keep is None or "apply" not in request.POST:
            return self._merge_confirmation(request, entities)
        merged = []
        for drop in entities:
            if drop.pk == keep.pk:
                continue
            try:
                entity_merge(keep=keep, drop=drop, by=request.user)
            except PermissionDenied:
                raise
            except ValidationError as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
            else:
                merged.append(drop.name)
        if merged:
            names = ", ".join(f"“{name}”" for name in merged)
            self.message_user(
                request,
                f"Merged {names} into “{keep}”; their names are now aliases.",
                messages.SUCCESS,
            )
        return None

    def _merge_confirmation(self, request, entities: list[Entity]):
        counted = (
            Entity.objects.filter(pk__in=[e.pk for e in entities])
            .annotate(
                spoken=Count("claims_spoken", distinct=True),
                about=Count("claims_about", distinct=True),
                alias_count=Count("aliases", distinct=True),
            )
            .order_by("name")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate entities",
            "opts": self.opts,
            "entities": counted,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/entities/entity/merge.html", context)
