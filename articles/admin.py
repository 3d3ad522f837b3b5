"""Editors' admin for coverage. The full workflow admin builds on these registrations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Article,
    ArticleTransition,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimSource,
    CorrectionNote,
    Source,
)


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]


class CorrectionNoteInline(admin.StackedInline):
    model = CorrectionNote
    extra = 0
    exclude = ["created_by"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "published_at", "byline", "updated_at"]
    list_filter = ["status", "event"]
    search_fields = ["title", "standfirst", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event", "mentions"]
    date_hierarchy = "published_at"
    inlines = [CitationInline, CorrectionNoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published_on", "url"]
    search_fields = ["title", "publisher", "url"]


class ClaimSourceInline(admin.TabularInline):
    model = ClaimSource
    extra = 0
    autocomplete_fields = ["source"]


class ClaimAppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0
    autocomplete_fields = ["article"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "speaker", "status", "amount", "unit", "updated_at"]
    list_filter = ["status", "kind", "unit"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "subjects"]
    inlines = [ClaimSourceInline, ClaimAppearanceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    list_display = ["article", "from_status", "to_status", "by", "at"]
    list_select_related = ["article", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
