"""The claim review queue and claim form.

Who may change what is decided by ``articles.roles``: reporters and editors edit wording and
figures, fact-checkers and editors the verdict and its note. Every save goes through
``services.claim_edit``, which also demands a correction note when readers already saw the old
verdict or figure.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from entities.models import Entity

from .. import roles
from ..models import (
    Article,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    VerificationStatus,
)
from ..services import (
    CLAIM_EDITABLE_FIELDS,
    FIGURE_FIELDS,
    CorrectionRequired,
    claim_correction_reason,
    claim_edit,
    claim_set_status,
)
from .history import HistoryCompareAdmin
from .list_filters import AutocompleteListFilter, autocomplete_filter_media
from .search_terms import search_words

CONTENT_FIELDS = ["text", "kind", "speaker", "subjects", *FIGURE_FIELDS, "pledge_status"]
VERDICT_FIELDS = ["status", "status_note"]


class ClaimAdminForm(forms.ModelForm):
    correction = forms.CharField(
        label="Correction for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you change the verdict or figure of a claim in a published "
        "article; shown, dated today, under each such article. e.g. “An earlier version gave "
        "the investment as $5bn; it is $4bn.”",
    )

    class Meta:
        model = Claim
        fields = [*CONTENT_FIELDS, *VERDICT_FIELDS]

    def claim_changes(self) -> dict:
        """The edited values of the claim's own fields, for ``claim_edit``."""
        return {
            name: self.cleaned_data[name]
            for name in CLAIM_EDITABLE_FIELDS
            if name in self.fields and name in self.cleaned_data
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "correction" in self.fields:
            current = Claim.objects.get(pk=self.instance.pk)
            reason = claim_correction_reason(current, self.claim_changes())
            if reason and not cleaned.get("correction", "").strip():
                self.add_error("correction", reason)
        return cleaned


class ClaimSourceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        claim = self.instance
        if claim.status != VerificationStatus.VERIFIED:
            return
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(
                "A verified claim needs a source: add one here, or choose another status."
            )


class ClaimSourceInline(admin.TabularInline):
    model = ClaimSource
    formset = ClaimSourceFormSet
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source"


class ClaimAppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0
    autocomplete_fields = ["article"]
    fields = ["article", "position", "section", "passage"]
    verbose_name = "appearance in an article"
    verbose_name_plural = "appearances in articles"


class ArticleFilter(AutocompleteListFilter):
    title = "article"
    parameter_name = "article"
    autocomplete_source = ("articles.ClaimAppearance", "article")

    def filter_on(self, queryset, pk):
        return queryset.filter(
            Exists(ClaimAppearance.objects.filter(claim=OuterRef("pk"), article_id=pk))
        )


class EntityFilter(AutocompleteListFilter):
    title = "entity (speaker or subject)"
    parameter_name = "entity"
    autocomplete_source = ("articles.Claim", "speaker")

    def filter_on(self, queryset, pk):
        about = Claim.subjects.through.objects.filter(claim=OuterRef("pk"), entity_id=pk)
        return queryset.filter(Q(speaker_id=pk) | Exists(about))


class SpeakerFilter(AutocompleteListFilter):
    title = "speaker"
    parameter_name = "speaker__id__exact"  # the parameter Django's own speaker filter used
    autocomplete_source = ("articles.Claim", "speaker")

    def filter_on(self, queryset, pk):
        return queryset.filter(speaker_id=pk)


@admin.register(Claim)
class ClaimAdmin(HistoryCompareAdmin):
    form = ClaimAdminForm
    list_display = [
        "short_text",
        "kind",
        "speaker",
        "status",
        "figure",
        "target_date",
        "pledge_status",
        "status_changed_by",
        "status_changed_at",
    ]
    list_filter = [
        "status",
        ArticleFilter,
        EntityFilter,
        SpeakerFilter,
        "kind",
        "pledge_status",
    ]
    list_select_related = ["speaker", "status_changed_by"]
    search_fields = ["text", "speaker__name"]
    autocomplete_fields = ["speaker", "subjects"]
    fieldsets = [
        (None, {"fields": ["text", "kind", "speaker", "subjects"]}),
        (
            "Figure",
            {
                "fields": [
                    ("amount", "unit"),
                    ("equivalent_amount", "equivalent_unit"),
                    ("figure_date", "figure_date_precision"),
                    "pledge_status",
                ]
            },
        ),
        ("Verification", {"fields": VERDICT_FIELDS + ["status_changed_by", "status_changed_at"]}),
        ("Readers", {"fields": ["published_in", "correction"]}),
    ]
    inlines = [ClaimSourceInline, ClaimAppearanceInline]
    actions = ["mark_verified", "mark_disputed", "mark_false"]

    @property
    def media(self):
        return super().media + autocomplete_filter_media(self.admin_site)

    def get_search_results(self, request, queryset, search_term):
        """Every word (or quoted phrase) in the claim's text or in its speaker's name.

        The speakers whose names match are read first (one short query per word), so the claims
        are filtered on their own columns: on PostgreSQL the trigram index on the text
        (migration 0014) and the speaker index answer together, where Django's own search read
        every claim joined to its speaker (~120 ms at 100,000 claims, more on a busy server).
        """
        for word in search_words(search_term):
            speakers = Entity.objects.filter(name__icontains=word).values_list("pk", flat=True)
            queryset = queryset.filter(Q(text__icontains=word) | Q(speaker_id__in=list(speakers)))
        return queryset, False

    # -- list columns -----------------------------------------------------------------------

    @admin.display(description="claim", ordering="text")
    def short_text(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description="figure", ordering="amount")
    def figure(self, claim: Claim) -> str:
        if claim.amount is None:
            return ""
        return f"{claim.amount.normalize():,f} {claim.unit}"

    @admin.display(description="target date", ordering="figure_date")
    def target_date(self, claim: Claim) -> str:
        if claim.kind != ClaimKind.PLEDGE or claim.figure_date is None:
            return ""
        formats = {"year": "%Y", "month": "%Y-%m"}
        return claim.figure_date.strftime(formats.get(claim.figure_date_precision, "%Y-%m-%d"))

    @admin.display(description="in published articles")
    def published_in(self, claim: Claim):
        if claim.pk is None:
            return "—"
        articles = Article.objects.published().filter(appearances__claim=claim).distinct()
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:articles_article_change", args=[a.pk]), a.title) for a in articles),
        )
        return links or "None: changes need no correction note."

    # -- form by role -----------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status_changed_by", "status_changed_at", "published_in"]
        if not roles.may_edit_content(request.user):
            readonly += CONTENT_FIELDS
        if not roles.may_verify(request.user) or _is_revert(request):
            # A revert restores wording and figures; verdicts change only by a decision.
            readonly += VERDICT_FIELDS
        return readonly

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Claim.objects.published().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    def revert_disabled(self, request, obj=None):
        # A revert restores wording and figures, which only content editors may change.
        return super().revert_disabled(request, obj) or not roles.may_edit_content(request.user)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        pending = {"changes": form.claim_changes(), "correction": form.cleaned_data["correction"]}
        if not change:
            # Created unverified; a verdict chosen on the add form is applied once sources exist.
            obj.status, obj.status_note = VerificationStatus.UNVERIFIED, ""
            obj.save()
            pending["changes"] = {
                k: v for k, v in pending["changes"].items() if k in VERDICT_FIELDS
            }
        obj._pending_edit = pending
        if _is_revert(request):  # simple-history's revert view has no inlines to wait for
            self._apply_pending(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._apply_pending(request, form.instance)

    def _apply_pending(self, request, obj: Claim) -> None:
        pending = getattr(obj, "_pending_edit", None)
        if pending is None:
            return
        obj._pending_edit = None
        claim_edit(claim=obj, by=request.user, **pending)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # A service refused after the form validated (e.g. a race): all was rolled back.
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # -- review queue -----------------------------------------------------------------------

    def has_verify_permission(self, request) -> bool:
        return roles.may_verify(request.user)

    @admin.action(description="Mark selected claims verified", permissions=["verify"])
    def mark_verified(self, request, queryset):
        self._set_status(request, queryset, VerificationStatus.VERIFIED)

    @admin.action(description="Mark selected claims disputed", permissions=["verify"])
    def mark_disputed(self, request, queryset):
        self._set_status(request, queryset, VerificationStatus.DISPUTED)

    @admin.action(description="Mark selected claims false", permissions=["verify"])
    def mark_false(self, request, queryset):
        self._set_status(request, queryset, VerificationStatus.FALSE)

    def _set_status(self, request, queryset, status: str) -> None:
        label = VerificationStatus(status).label.lower()
        done, refused = 0, []
        for claim in queryset:
            try:
                claim_set_status(claim=claim, status=status, by=request.user)
            except CorrectionRequired:
                refused.append(
                    f"Claim #{claim.pk} is in a published article: open it to change its "
                    "verdict with a correction note."
                )
            except (ValidationError, PermissionDenied) as error:
                refused.append(" ".join(getattr(error, "messages", [str(error)])))
            else:
                done += 1
        if done:
            self.message_user(
                request, f"{done} claim{'s' if done != 1 else ''} marked {label}.", messages.SUCCESS
            )
        if refused:
            lines = format_html_join("", "<br>– {}", ((r,) for r in refused))
            self.message_user(
                request,
                format_html("{} not marked {}:{}", len(refused), label, lines),
                messages.ERROR,
            )


def _is_revert(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name and match.url_name.endswith("_simple_history"))
