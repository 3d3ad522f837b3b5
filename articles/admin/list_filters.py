"""Admin list filters that pick one of thousands of rows with the admin's autocomplete.

A ``SimpleListFilter`` prints every choice as a link: at 10,000 articles and 5,000 entities the
claims list carried 1.4 MB of filter links and took over a second to render. These filters
show one search box instead, the admin's own autocomplete (select2, searching the target's
``search_fields`` through ``/admin/autocomplete/`` with the editor's view permission), and an
"All" link; choosing or clearing an entry reloads the list with the other filters kept
(``static/admin_coverage/autocomplete-filter.js``).
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString


def autocomplete_filter_media(admin_site) -> forms.Media:
    """What a changelist with these filters needs: the admin's autocomplete, then our script."""
    select2 = AutocompleteSelect(None, admin_site).media  # the same files whatever the field
    # One list, so the script comes after jQuery and select2 (Media orders only within a list).
    script = "admin_coverage/autocomplete-filter.js"
    return forms.Media(js=[*select2._js, script], css=select2._css)


class AutocompleteListFilter(admin.SimpleListFilter):
    """Filter on one row of another model, chosen by autocomplete.

    ``autocomplete_source`` names a foreign key (``"app_label.Model"``, field name) whose target
    is the model to pick from; the admin's autocomplete view searches that target's admin.
    Subclasses set ``title``, ``parameter_name`` and ``autocomplete_source``, and narrow the
    list in ``filter_on``. A value that is no key (``?article=abc``) is the admin's "incorrect
    lookup": the list reloads with its error flag, instead of a server error.
    """

    template = "admin/coverage/autocomplete_list_filter.html"
    autocomplete_source: tuple[str, str]

    def __init__(self, request, params, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        self.admin_site = model_admin.admin_site

    def lookups(self, request, model_admin) -> tuple:
        return ()  # the choices come from the autocomplete, not from a list

    def has_output(self) -> bool:
        return True

    def choices(self, changelist) -> Iterator[dict]:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
        }

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        chosen = self.chosen_pk()
        if chosen is None:
            raise IncorrectLookupParameters(f"{self.title}: {self.value()!r} is not a valid choice")
        return self.filter_on(queryset, chosen)

    def filter_on(self, queryset: QuerySet, pk: object) -> QuerySet:
        raise NotImplementedError

    def chosen_pk(self) -> object | None:
        """The filter's value as the target's key, or None when absent or malformed."""
        if self.value() is None:
            return None
        try:
            return self._source_field().target_field.to_python(self.value())
        except ValidationError:
            return None

    def field_html(self) -> SafeString:
        """The autocomplete box, showing the chosen row's name."""
        source = self._source_field()
        target: type[Model] = source.remote_field.model
        widget = AutocompleteSelect(source, self.admin_site, attrs={"data-width": "100%"})
        field = forms.ModelChoiceField(target._default_manager.all(), required=False, widget=widget)
        attrs = {"id": f"autocomplete-filter-{self.parameter_name}", "aria-label": self.title}
        return format_html("{}", field.widget.render(self.parameter_name, self.chosen_pk(), attrs))

    def _source_field(self):
        model_label, field_name = self.autocomplete_source
        return apps.get_model(model_label)._meta.get_field(field_name)
