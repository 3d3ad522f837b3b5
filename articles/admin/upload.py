"""The report upload form: runs the importer on an uploaded file and opens the resulting article.

Errors (an unreadable file, a marker with no source, no Sources list…) and the importer's
warnings are shown in the form; nothing is written unless the whole import succeeds.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import roles
from ..importer import ImportResult, ReportImportError, import_report
from ..models import ArticleStatus

MAX_REPORT_BYTES = 2 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024


class ReportUploadForm(forms.Form):
    report = forms.FileField(
        label="Report",
        help_text="Plain UTF-8 text with a “Sources” list of [n] Title … URL lines (max 2 MB).",
    )
    title = forms.CharField(
        required=False,
        max_length=300,
        help_text="Headline; leave blank to take it from the sidecar or the report's first line.",
    )
    published = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Publication date of the report, e.g. 2025-10-29.",
    )
    status = forms.ChoiceField(
        choices=[
            (ArticleStatus.DRAFT, "Draft"),
            (ArticleStatus.IN_REVIEW, "In review"),
            (ArticleStatus.PUBLISHED, "Published"),
        ],
        initial=ArticleStatus.DRAFT,
        help_text="Only editors may import straight to published.",
    )
    sidecar = forms.FileField(
        required=False,
        label="Metadata (optional)",
        help_text='JSON like {"title": …, "published": "2025-10-29", "event": …}.',
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not roles.may_publish(user):
            self.fields["status"].choices = self.fields["status"].choices[:2]

    def clean_report(self) -> bytes:
        upload = self.cleaned_data["report"]
        if upload.size > MAX_REPORT_BYTES:
            raise ValidationError("The report is larger than 2 MB; is it the right file?")
        return upload.read()

    def clean_sidecar(self) -> dict | None:
        upload = self.cleaned_data.get("sidecar")
        if not upload:
            return None
        if upload.size > MAX_SIDECAR_BYTES:
            raise ValidationError("The metadata file is larger than 64 KB.")
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ValidationError("The metadata file is not UTF-8 text.") from error
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"The metadata file is not valid JSON: line {error.lineno}: {error.msg}."
            ) from error
        if not isinstance(data, dict):
            raise ValidationError("The metadata file must hold a JSON object ({…}).")
        return data

    def run_import(self) -> ImportResult | None:
        """Import; on failure the error is added to the form and None is returned."""
        data = self.cleaned_data
        try:
            return import_report(
                text=data["report"],
                title=data["title"] or None,
                published=data["published"],
                status=data["status"],
                sidecar=data["sidecar"],
                by=self.user,
            )
        except ReportImportError as error:
            self.add_error("report", f"Nothing was imported: {error}")
        except PermissionDenied as error:
            self.add_error("status", str(error) or "You may not import with this status.")
        except ValidationError as error:
            self.add_error(None, error)
        return None


def _summary(result: ImportResult) -> str:
    def counts(counter) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items()) if n)

    if result.unchanged:
        return f"“{result.article}” was already up to date; nothing changed."
    parts = [f"Imported “{result.article}” ({result.article.get_status_display().lower()})."]
    for label, counter in (("Created", result.created), ("Updated", result.updated)):
        if any(counter.values()):
            parts.append(f"{label}: {counts(counter)}.")
    return " ".join(parts)


def report_upload_view(model_admin, request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST imports and opens the article's change page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ReportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = form.run_import()
        if result is not None:
            messages.success(request, _summary(result))
            for warning in result.warnings:
                messages.warning(request, warning)
            target = reverse("admin:articles_article_change", args=[result.article.pk])
            return HttpResponseRedirect(target)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Upload a report",
        "form": form,
    }
    return TemplateResponse(request, "admin/articles/article/upload.html", context)
