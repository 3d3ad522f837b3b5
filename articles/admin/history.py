"""History for the editors' admin: simple-history's list and revert, plus a readable diff.

The history page lets an editor tick two versions and compare them field by field, with words
removed and added marked in long texts; each version links to simple-history's revert form.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

# Bookkeeping fields that change on every save and say nothing to an editor.
NOT_DIFFED = {"id", "created_at", "updated_at", "text_key", "name_key", "version"}
TOKEN_RE = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` as HTML with the words removed from ``old`` in <del> and the added in <ins>."""
    before, after = TOKEN_RE.findall(old or ""), TOKEN_RE.findall(new or "")
    parts = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    return mark_safe("".join(parts))  # noqa: S308  (every part is escaped above)


def _display(field: models.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value} (since deleted)"
    return str(value)


def version_changes(model: type[models.Model], old, new) -> list[dict]:
    """Field-by-field differences between two historical records of ``model``."""
    rows = []
    for field in model._meta.concrete_fields:
        if field.name in NOT_DIFFED or not hasattr(old, field.attname):
            continue
        before, after = getattr(old, field.attname), getattr(new, field.attname)
        if before == after:
            continue
        is_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "old": _display(field, before),
                "new": _display(field, after),
                "diff": word_diff(before, after) if is_text else None,
            }
        )
    return rows


class HistoryCompareAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with a “compare two versions” page."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        # Before simple-history's "<id>/history/<version>/", which would swallow "compare".
        return [compare, *super().get_urls()]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed revert for anyone who may view history; only those who
        # may change the record may revert it.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or self.revert_disabled(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        info = self.opts.app_label, self.opts.model_name
        history_url = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
        try:
            ids = {int(request.GET["old"]), int(request.GET["new"])}
        except (KeyError, ValueError):
            ids = set()
        records = sorted(obj.history.filter(history_id__in=ids), key=lambda r: r.history_date)
        if len(records) != 2:
            self.message_user(request, "Choose two different versions to compare.", messages.ERROR)
            return HttpResponseRedirect(history_url)
        old, new = records
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "opts": self.opts,
            "object": obj,
            "old": old,
            "new": new,
            "rows": version_changes(self.model, old, new),
            "history_url": history_url,
            "revert_url_name": "admin:{}_{}_simple_history".format(*info),
            "revert_disabled": self.revert_disabled(request, obj),
        }
        return TemplateResponse(request, "admin/history/compare.html", context)
