"""Sources, corrections and the workflow log in the editors' admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from coverage_site.subqueries import count_of

from ..models import ArticleTransition, Citation, ClaimSource, CorrectionNote, Source
from ..source_urls import normalise_url
from .history import HistoryCompareAdmin


class SourceAdminForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=1000,
        assume_scheme="https",
        help_text="Stored normalised (https, no tracking parameters, no trailing slash).",
    )
    archived_url = forms.URLField(
        label="archived copy",
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text="e.g. a web.archive.org snapshot.",
    )

    class Meta:
        model = Source
        fields = [
            "url",
            "title",
            "publisher",
            "published_on",
            "accessed_on",
            "language",
            "archived_url",
        ]

    def clean_url(self) -> str:
        url = normalise_url(self.cleaned_data["url"])
        duplicate = Source.objects.matching_url(url).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            raise ValidationError(
                format_html(
                    'This is the same document as the source <a href="{}">“{}”</a> ({}) '
                    "once tracking parameters and the like are removed. Cite that source "
                    "instead of adding a copy.",
                    reverse("admin:articles_source_change", args=[duplicate.pk]),
                    duplicate.title,
                    duplicate.url,
                ),
                code="duplicate_url",
            )
        return url


@admin.register(Source)
class SourceAdmin(HistoryCompareAdmin):
    form = SourceAdminForm
    list_display = ["title", "publisher", "published_on", "article_count", "claim_count", "url"]
    list_filter = ["publisher", "language"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["cited_in", "backs_claims"]
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "published_on", "accessed_on"]}),
        ("More", {"fields": ["language", "archived_url"]}),
        ("Used by", {"fields": ["cited_in", "backs_claims"]}),
    ]

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Source.objects.public().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                articles_citing=count_of(
                    Citation.objects.filter(source=OuterRef("pk")), "article", distinct=True
                ),
                claims_backed=count_of(
                    ClaimSource.objects.filter(source=OuterRef("pk")), "claim", distinct=True
                ),
            )
        )

    @admin.display(description="articles", ordering="articles_citing")
    def article_count(self, source: Source) -> int:
        return source.articles_citing

    @admin.display(description="claims", ordering="claims_backed")
    def claim_count(self, source: Source) -> int:
        return source.claims_backed

    @admin.display(description="cited in articles")
    def cited_in(self, source: Source):
        if source.pk is None:
            return "—"
        citations = source.citations.select_related("article").order_by("article__title")
        rows = (
            (
                reverse("admin:articles_article_change", args=[c.article_id]),
                c.article.title,
                c.number,
                c.article.get_status_display().lower(),
            )
            for c in citations
        )
        return format_html_join("", '<p><a href="{}">{}</a> as [{}] ({})</p>', rows) or "None."

    @admin.display(description="backs claims")
    def backs_claims(self, source: Source):
        if source.pk is None:
            return "—"
        rows = (
            (reverse("admin:articles_claim_change", args=[claim.pk]), str(claim), claim.status)
            for claim in source.claims.order_by("pk")
        )
        return format_html_join("", '<p><a href="{}">{}</a> ({})</p>', rows) or "None."


@admin.register(CorrectionNote)
class CorrectionNoteAdmin(admin.ModelAdmin):
    list_display = ["article", "published_at", "created_by", "text"]
    list_select_related = ["article", "created_by"]
    search_fields = ["text", "article__title"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    list_display = ["article", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["article", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
