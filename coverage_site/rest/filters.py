"""Filter building blocks whose bad values are 400s naming the parameter, never 500s.

Values the database would choke on (a date-time that overflows once converted to UTC, a number
wider than the column, a NUL character) are refused at validation, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django_filters.fields import IsoDateTimeField
from django_filters.filters import QuerySetRequestMixin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

MAX_WORDS = 10
AMOUNT_LIMIT = Decimal("1e25")  # the amount columns hold 26 digits before the point


class SafeDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(dt.UTC)
            except OverflowError:
                raise ValidationError("Out of range once converted to UTC.") from None
        return result


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SafeDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            "Only items changed at or after this ISO 8601 time, e.g. 2025-11-01T00:00Z.",
        )
        super().__init__(**kwargs)


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or more values of a plain column (``?status=a&status=b``).

    django-filter's ``MultipleChoiceFilter`` adds ``.distinct()`` by default, in case the field
    is reached through a to-many join. On a column of the model itself no row can repeat, and
    ``SELECT DISTINCT`` over every column (text included) makes PostgreSQL sort or hash the
    whole filtered set before the page can be cut, so it is switched off here.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(**kwargs)


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", AMOUNT_LIMIT)
        kwargs.setdefault("min_value", -AMOUNT_LIMIT)
        super().__init__(**kwargs)


class AmountFilter(django_filters.NumberFilter):
    field_class = AmountField


class NulFreeModelChoiceField(django_filters.fields.ModelChoiceField):
    default_validators = [ProhibitNullCharactersValidator()]

    def to_python(self, value):
        ProhibitNullCharactersValidator()(value)
        return super().to_python(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose an item by identifier among those the client may see (others are a 400)."""

    field_class = NulFreeModelChoiceField

    @property
    def field(self):
        """The form field, built once; with the visible items only if the parameter was given.

        django-filter calls the ``queryset`` callable on every access to ``field`` (building the
        form class, the form and validating each read it), and a visibility queryset such as
        ``Entity.objects.public()`` takes a millisecond or more to build. A parameter left out
        is never looked up (an empty value is ``None`` before the queryset is consulted), so
        its field gets no queryset at all.
        """
        if not hasattr(self, "_field"):
            if self._given():
                super().field  # noqa: B018 (builds and keeps self._field)
            else:
                self.extra["queryset"] = None
                super(django_filters.filters.QuerySetRequestMixin, self).field  # noqa: B018
        return self._field

    def _given(self) -> bool:
        parent = getattr(self, "parent", None)
        if parent is None or not parent.is_bound:
            return True  # not answering a request (the schema, a shell): the usual field
        name = next((n for n, f in parent.filters.items() if f is self), None)
        if name is None:
            return True
        key = f"{parent.form_prefix}-{name}" if parent.form_prefix else name
        return key in parent.data


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(ModelChoiceFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(ModelChoiceFilter):
    pass


class QField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and len(value.split()) > MAX_WORDS:
            raise ValidationError(f"Use at most {MAX_WORDS} words.")
        return value


class QFilter(django_filters.CharFilter):
    """Full-text ``q``: every word must occur (ignoring case) in one of the searched fields.

    The FilterSet supplies ``q_word(word) -> Q`` naming the fields searched.
    """

    field_class = QField

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for word in value.split():
            condition &= self.parent.q_word(word)
        return qs.filter(condition)


class SearchFilter(django_filters.CharFilter):
    """Full-text ``q`` through the site's search module: ``search(queryset, value)`` narrows
    (and may rank) the visible items, with the same syntax as the search page."""

    field_class = QField

    def __init__(self, *, search, **kwargs):
        self.search = search
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return self.search(qs, value) if value else qs


# (FilterSet class, names of the filters given) -> form class; see StrictFilterSet.get_form_class
_FORM_CLASSES: dict[tuple[type, tuple[str, ...]], type] = {}
MAX_FORM_CLASSES = 256


class StrictFilterSet(django_filters.FilterSet):
    """An empty value is only “no filter” for text and slugs; for numbers, dates and choices
    it is a 400, as the schema says.

    Only the filters the query string names are bound: an absent parameter filters nothing
    (each filter passes an empty value through), and copying every filter and building its
    form field on each request was about a millisecond of a list's time. Unknown parameters
    never get here (``check_known_params`` answers 400 first); the schema reads the class.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and prefix is None:
            given = {name: f for name, f in type(self).base_filters.items() if name in data}
            self.base_filters = given  # copied into self.filters by FilterSet.__init__
        super().__init__(data, queryset, request=request, prefix=prefix)

    def get_form_class(self):
        """The form class for the given filters, built once when none depends on the request.

        django-filter builds a form class (and each filter's form field: labels, choices) on
        every request; for filters whose fields do not depend on the request (all but the
        visibility-bound choices of model filters) the class is the same every
        time. Each form still gets its own copies of the fields, as Django's forms do.
        """
        if any(isinstance(f, QuerySetRequestMixin) for f in self.filters.values()):
            return super().get_form_class()
        key = (type(self), tuple(self.filters))
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            if len(_FORM_CLASSES) >= MAX_FORM_CLASSES:
                _FORM_CLASSES.clear()  # any subset of the parameters may come: keep it bounded
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter | SlugChoiceFilter):
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if "" in values:
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid
