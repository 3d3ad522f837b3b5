"""Articles in the editors' admin: the workflow panel, integrity, preview and safe saving.

Status and publish time are read-only in the form; every workflow step goes through the buttons
(or bulk actions), which call ``articles.services``, so a crafted POST is refused exactly as a
hidden button would be.
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from coverage_site.subqueries import count_of

from .. import roles
from ..models import (
    PUBLIC_STATUSES,
    Article,
    ArticleStatus,
    ArticleTransition,
    Citation,
    ClaimAppearance,
    CorrectionNote,
    VerificationStatus,
)
from ..presenters import article_page_context
from ..services import (
    EditConflict,
    PublishBlocked,
    PublishSummary,
    article_check_unchanged,
    article_next_statuses,
    article_publish,
    article_save_if_unchanged,
    article_transition,
    articles_publish,
    articles_unpublish,
    citation_problems,
)
from .history import HistoryCompareAdmin
from .upload import report_upload_view

TRANSITION_LABELS = {
    ArticleStatus.DRAFT: "Back to draft",
    ArticleStatus.IN_REVIEW: "Send to review",
    ArticleStatus.PUBLISHED: "Publish now",
    ArticleStatus.ARCHIVED: "Archive",
}


class ArticleAdminForm(forms.ModelForm):
    opened_version = forms.IntegerField(
        widget=forms.HiddenInput,
        help_text="The version this form was opened at; a newer one means someone else saved.",
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "standfirst", "body", "byline", "event", "mentions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["opened_version"]  # a new article has nothing to conflict with
        elif "opened_version" in self.fields:
            # From the database, not the instance: a revert form's instance is an old version.
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.fields["opened_version"].initial = current.first()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or "opened_version" not in cleaned:
            return cleaned
        try:
            article_check_unchanged(
                article=self.instance, expected_version=cleaned["opened_version"]
            )
        except EditConflict as conflict:
            # Saving again after reading the message keeps this person's version on purpose.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = conflict.current_version
            raise ValidationError(
                f"{conflict} Your changes are kept below but not saved: compare them with the "
                "history, then save again to keep yours.",
                code="edit_conflict",
            ) from None
        return cleaned


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ArticleStatus.choices)
    publish_at = forms.DateTimeField(required=False, label="Publish at")

    def clean_publish_at(self):
        at = self.cleaned_data["publish_at"]
        if at is not None and at <= timezone.now():
            raise ValidationError("Choose a time in the future to schedule, or publish now.")
        return at


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]


class CorrectionNoteInline(admin.StackedInline):
    model = CorrectionNote
    extra = 0
    fields = ["published_at", "text", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name = "public correction"


class ArticleTransitionInline(admin.TabularInline):
    model = ArticleTransition
    extra = 0
    fields = ["from_status", "to_status", "by", "at"]
    readonly_fields = fields
    verbose_name = "workflow step"
    ordering = ["-at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(HistoryCompareAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "status",
        "published_at",
        "byline",
        "event",
        "claim_count",
        "unverified_count",
        "updated_at",
    ]
    list_filter = [
        "status",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("published_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "slug", "standfirst", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event", "mentions"]
    date_hierarchy = "published_at"
    readonly_fields = ["status", "published_at", "claims_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "byline", "opened_version"]}),
        ("Coverage", {"fields": ["event", "mentions", "claims_link"]}),
        ("Workflow", {"fields": ["status", "published_at"]}),
    ]
    inlines = [CitationInline, CorrectionNoteInline, ArticleTransitionInline]
    actions = ["publish_selected", "unpublish_selected"]

    # -- lists ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return _with_claim_counts(super().get_queryset(request).select_related("event"))

    def _claims_url(self, article: Article, **params: str) -> str:
        query = "&".join(
            f"{key}={value}" for key, value in {"article": article.pk, **params}.items()
        )
        return f"{reverse('admin:articles_claim_changelist')}?{query}"

    @admin.display(description="claims", ordering="claims")
    def claim_count(self, article: Article):
        return format_html('<a href="{}">{}</a>', self._claims_url(article), article.claims)

    @admin.display(description="unverified", ordering="unverified_claims")
    def unverified_count(self, article: Article):
        url = self._claims_url(article, status__exact=VerificationStatus.UNVERIFIED)
        return format_html('<a href="{}">{}</a>', url, article.unverified_claims)

    @admin.display(description="claims in this article")
    def claims_link(self, article: Article):
        if article.pk is None:
            return "Save the article first."
        counted = _with_claim_counts(Article.objects.filter(pk=article.pk)).first()
        claims = counted.claims if counted else 0
        return format_html(
            '<a href="{}">{} claim{}</a> ({} unverified)',
            self._claims_url(article),
            claims,
            pluralize(claims),
            counted.unverified_claims if counted else 0,
        )

    # -- form -------------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return fieldsets
        # Without a save there is nothing to lock: drop the hidden version field.
        first, *rest = fieldsets
        fields = [f for f in first[1]["fields"] if f != "opened_version"]
        return [(first[0], {**first[1], "fields": fields}), *rest]

    def get_inlines(self, request, obj):
        if obj is None:
            return [CitationInline]
        if obj.status not in PUBLIC_STATUSES and not obj.corrections.exists():
            # Corrections are for articles readers have seen; a draft is simply edited.
            return [CitationInline, ArticleTransitionInline]
        return self.inlines

    def get_view_on_site_url(self, obj=None):
        if obj is None or not obj.is_public:
            return None
        return super().get_view_on_site_url(obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change:
            obj.save()
            return
        article_save_if_unchanged(
            article=obj, expected_version=form.cleaned_data["opened_version"], by=request.user
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CorrectionNote) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (EditConflict, ValidationError) as refused:
            # Raised by a service after the form validated (a race): all was rolled back.
            self.message_user(request, _message(refused), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None:
            extra_context = {**(extra_context or {}), **self._workflow_context(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(self, request, article: Article) -> dict:
        next_statuses = article_next_statuses(article=article, user=request.user)
        buttons = [
            (status, TRANSITION_LABELS[status])
            for status in next_statuses
            if status != ArticleStatus.PUBLISHED
        ]
        if article.status == ArticleStatus.PUBLISHED:
            buttons = [
                (s, "Unpublish (back to draft)" if s == ArticleStatus.DRAFT else label)
                for s, label in buttons
            ]
        return {
            "workflow_buttons": buttons,
            "workflow_may_publish": ArticleStatus.PUBLISHED in next_statuses,
            "workflow_scheduled": article.status == ArticleStatus.PUBLISHED
            and not article.is_public,
            "citation_problems": citation_problems(article),
            "preview_url": None
            if article.is_public
            else reverse("admin:articles_article_preview", args=[article.pk]),
        }

    # -- workflow, preview ------------------------------------------------------------------

    def get_urls(self):
        extra = [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="articles_article_transition",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "upload/",
                self.admin_site.admin_view(partial(report_upload_view, self)),
                name="articles_article_upload",
            ),
        ]
        return extra + super().get_urls()

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _form_errors(form), messages.ERROR)
            return HttpResponseRedirect(change_url)
        to_status, at = form.cleaned_data["to_status"], form.cleaned_data["publish_at"]
        try:
            if to_status == ArticleStatus.PUBLISHED:
                if at is None and article.status == ArticleStatus.PUBLISHED:
                    at = timezone.now()  # a scheduled article published right away
                article = article_publish(article=article, by=request.user, at=at)
            else:
                article = article_transition(article=article, to_status=to_status, by=request.user)
        except PublishBlocked as blocked:
            self.message_user(
                request, _problems("Not published.", blocked.problems), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        except ValidationError as refused:
            self.message_user(request, _message(refused), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, _done_message(article), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def preview_view(self, request, object_id):
        # The page's context reads citations and the rest itself: only the event is joined.
        queryset = Article.objects.visible_to(request.user).select_related("event")
        article = queryset.filter(pk=unquote(object_id)).first()
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        response = TemplateResponse(
            request,
            "articles/article_detail.html",
            article_page_context(article, preview=not article.is_public),
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response

    # -- bulk actions -----------------------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return roles.may_publish(request.user)

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        summary = articles_publish(articles=list(queryset), by=request.user)
        self._report(request, summary, "published")

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        summary = articles_unpublish(articles=list(queryset), by=request.user)
        self._report(request, summary, "unpublished")

    def _report(self, request, summary: PublishSummary, verb: str) -> None:
        if summary.done:
            count = len(summary.done)
            self.message_user(
                request, f"{count} article{'s' if count != 1 else ''} {verb}.", messages.SUCCESS
            )
        for title, problems in summary.refused.items():
            self.message_user(
                request, _problems(f"“{title}” was not {verb}.", problems), messages.ERROR
            )


def _with_claim_counts(queryset):
    """Each article's number of claims, and of unverified ones, counted per listed row."""
    appearances = ClaimAppearance.objects.filter(article=OuterRef("pk"))
    unverified = appearances.filter(claim__status=VerificationStatus.UNVERIFIED)
    return queryset.annotate(
        claims=count_of(appearances, "claim", distinct=True),
        unverified_claims=count_of(unverified, "claim", distinct=True),
    )


def _message(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _form_errors(form: forms.Form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


def _problems(headline: str, problems: list[str]):
    # Lines, not a nested list: the admin styles every <li> in messages as a message.
    lines = format_html_join("", "<br>– {}", ((problem,) for problem in problems))
    return format_html("{} Fix these first:{}", headline, lines)


def _done_message(article: Article) -> str:
    if article.status == ArticleStatus.PUBLISHED and not article.is_public:
        when = timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M %Z")
        return f"“{article}” is scheduled: readers will see it from {when}."
    return f"“{article}” is now {article.get_status_display().lower()}."
