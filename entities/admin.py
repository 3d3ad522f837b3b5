"""Editors' admin for entities, their aliases and relations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Entity, EntityAlias, EntityRelation


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0


class EntityRelationInline(admin.TabularInline):
    model = EntityRelation
    fk_name = "subject"
    extra = 0
    autocomplete_fields = ["object", "source"]


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "wikidata_id", "needs_review", "updated_at"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["name", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EntityAliasInline, EntityRelationInline]
