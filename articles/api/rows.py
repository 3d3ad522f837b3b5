"""The claims list built from database rows, with the JSON ``ClaimSerializer`` gives.

A page of 50 claims with their sources is about 300 embedded items. Through model instances,
``prefetch_related`` (which builds a filtered queryset for every claim and relation) and DRF's
per-field machinery, that cost about 30 ms per request at full size (in-process, best case);
read as ``values()`` rows (the page; its subjects; its sources; its appearances: a query each
that is shown), it is about 13 ms, most of it the database and the ORM building those queries.
So the related queries are kept compiled once per shape (``ClaimRows``), and each plan's
builder is a function generated once that is bound to the request (its origin, time zone and
routes) once per request, rather than a getter per value looking those up.

What is shown is still decided by the serializers: the plan for a request is compiled from the
shaped ``ClaimSerializer`` (``fields=``/``expand=``), its keys in its order, and every value
that is not a plain string or integer is formatted by the serializer field's own
``to_representation`` (decimals, dates, times), or where that is plain ISO 8601 by
:func:`format_iso`, which writes the same text for a page's dates and times at once.
Visibility and order of the related rows are those of the ordinary path: the appearances
queryset is the view's, subjects and sources are in :func:`related_order`, as the view
prefetches them. A field this module does not know makes :func:`plan_for` return ``None`` and
the view falls back to the serializer, so a new field can never be dropped silently;
``tests/api/test_claim_rows.py`` checks both paths give the same JSON.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import lru_cache

import orjson
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings

from coverage_site.fast_reverse import reverse_one, route_template, routing_state, slug_pattern
from coverage_site.fulltext import AmongIds, id_array, on_postgresql
from coverage_site.kept_queries import kept_lists
from coverage_site.rest.query import Shape
from coverage_site.rest.serializers import (
    _PLAIN_PATH,
    ApiURLField,
    ExpandableField,
    PageURLField,
    _absolute,
)
from entities.models import Entity

from ..models import Claim, Source
from .serializers import ClaimSerializer

# The public page of each model, as its ``get_absolute_url()`` builds it: (route, lookup).
PAGE_ROUTES: dict[type[Model], tuple[str, str]] = {
    Claim: ("articles:claim_detail", "pk"),
    Source: ("articles:source_detail", "pk"),
    Entity: ("entities:detail", "slug"),
}

# Fields whose ``to_representation`` returns a str or int column value unchanged.
_VERBATIM = (serializers.CharField, serializers.ChoiceField, serializers.IntegerField)

Getter = Callable[[dict], object]  # row -> value
# Getters are bound to one request's context (its host, time zone, routes) once per request,
# not looked up for each of the few thousand values a page holds.
Binder = Callable[[dict], Getter]  # context -> getter


class Unsupported(Exception):
    """A field the row reader cannot build; the ordinary serializer path is used instead."""


def _column(model: type[Model], name: str) -> str | None:
    """The column behind a concrete, non-relation model field called ``name`` (pk: id)."""
    if name == "pk":
        return model._meta.pk.attname
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.concrete and not field.is_relation and field.attname == name:
        return name
    return None


def _lookup_column(model: type[Model], lookup: str) -> str:
    column = _column(model, lookup)
    if column is None:
        raise Unsupported(f"{model.__name__}.{lookup}")
    return column


@dataclass
class ItemPlan:
    """How to build one object of a serializer from a row whose keys carry ``prefix``.

    Each entry is the output key and either the row key of a value shown as read (a string),
    a :class:`Link` or a :data:`Binder`. :meth:`bind` returns the builder for one request: a
    function, made once per plan, that builds the dict in one expression (keys in the
    serializer's order), reading plain columns directly, writing links to identifiers itself
    and calling the bound getters for the rest.
    """

    model: type[Model]
    prefix: str
    entries: list[tuple[str, str | Link | Binder]]
    columns: set[str]  # row keys (with prefix) the plan reads
    # Row keys of the date-times and dates shown in ISO 8601, for :func:`format_iso`.
    iso: dict[str, str] = dataclass_field(default_factory=dict)

    def __post_init__(self) -> None:
        self._maker = _builder_maker(self.entries)

    def bind(self, context: dict) -> Callable[[dict], dict]:
        args: list = []
        for _, get in self.entries:
            if isinstance(get, Link):
                args.extend(link_parts(context, get.view_name, get.kwarg))
            elif not isinstance(get, str):
                args.append(get(context))
        return self._maker(*args)


@dataclass(frozen=True)
class Link:
    """An entry showing the absolute address of ``view_name`` with the row's ``key`` as its
    ``kwarg`` (``ApiURLField``, ``PageURLField``); see :func:`link_parts`."""

    view_name: str
    kwarg: str
    key: str


def _builder_maker(entries: list[tuple[str, str | Link | Binder]]) -> Callable[..., Callable]:
    """``make(g0, g1, ...) -> build(row)`` returning ``{name: row[key] or g(row), ...}``.

    Generated source: the names and keys are serializer field and column names, inserted
    with ``repr``; the getters are arguments. The dict display evaluates its items in order,
    as the comprehension over getters it replaces did. A :class:`Link` takes three arguments,
    :func:`link_parts`'s ``start``, ``tail`` and ``link``: a non-negative integer (an id) is
    put between the first two in place, anything else is given to ``link``.
    """
    params, items = [], []
    for name, get in entries:
        if isinstance(get, str):
            items.append(f"{name!r}: row[{get!r}]")
        elif isinstance(get, Link):
            start, tail, link = (f"{p}{len(params)}" for p in ("s", "t", "l"))
            params += [start, tail, link]
            items.append(
                f"{name!r}: (f'{{{start}}}{{v}}{{{tail}}}' "
                f"if type(v := row[{get.key!r}]) is int and v >= 0 and {start} is not None "
                f"else {link}(v))"
            )
        else:
            params.append(f"g{len(params)}")
            items.append(f"{name!r}: {params[-1]}(row)")
    source = (
        f"def make({', '.join(params)}):\n"
        f"    def build(row):\n"
        f"        return {{{', '.join(items)}}}\n"
        f"    return build\n"
    )
    namespace: dict = {}
    exec(compile(source, "<claim row builder>", "exec"), namespace)
    return namespace["make"]


def _per_request(context: dict, name: str, read: Callable[[], object]):
    """``read()`` once per request (kept in its serializer context): the routing state and
    the time zone are context-local reads, each a few microseconds, wanted by every plan."""
    key = f"_rows_{name}"
    try:
        return context[key]
    except KeyError:
        value = context[key] = read()
        return value


def link_parts(
    context: dict, view_name: str, kwarg: str
) -> tuple[str | None, str, Callable[[object], str]]:
    """``(start, tail, link)`` for one request: ``link(value)`` is the absolute address of
    ``view_name`` as ``ApiURLField`` and ``PageURLField`` give it (``_absolute`` of
    ``reverse_one``), and unless ``start`` is None, ``f"{start}{value}{tail}"`` is the same
    text for a non-negative integer.

    When the route's template is known and plain (see ``fast_reverse``), an identifier or slug
    is put between the request's origin + head and the tail: the same text ``_absolute``
    makes of a plain path. Anything else takes the general path.
    """

    def general(value) -> str:
        return _absolute(context, reverse_one(view_name, kwarg, value))

    template = route_template(view_name, kwarg, _per_request(context, "routing", routing_state))
    if template is None or not context.get("request"):
        return None, "", general
    head, tail, takes_slugs = template
    sample = f"{head}1{tail}"
    if not _PLAIN_PATH.fullmatch(sample) or sample.startswith("//"):
        return None, "", general
    start = _absolute(context, sample)[: -len(f"1{tail}")]  # origin + head
    slug = slug_pattern().fullmatch

    def fast(value) -> str:
        if type(value) is int and value >= 0:
            return f"{start}{value}{tail}"
        if takes_slugs and type(value) is str and slug(value):
            return f"{start}{value}{tail}"
        return general(value)

    return start, tail, fast


def _iso_datetime_getter(key: str, field: serializers.DateTimeField) -> Binder:
    """``DateTimeField.to_representation`` (ISO 8601, in the current time zone, UTC as "Z") for
    the aware datetimes the database returns, with the time zone looked up once per request."""
    represent = field.to_representation

    def bind(context: dict) -> Getter:
        tz = _per_request(context, "zone", timezone.get_current_timezone)
        # psycopg gives UTC times with ``datetime.timezone.utc``, Django's zone is a
        # ``ZoneInfo``: when that zone is UTC, both write the same "+00:00" text.
        same = dt.UTC if getattr(tz, "key", None) == "UTC" else tz

        def get(row: dict):
            value = row[key]
            if value is None or type(value) is str:  # str: written by format_iso
                return value
            zone = value.tzinfo
            if zone is not tz and zone is not same:  # in it: nothing to convert (the usual case)
                if value.utcoffset() is None:
                    return represent(value)
                value = value.astimezone(tz)
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return get

    return bind


def _is_iso(output_format: object) -> bool:
    return isinstance(output_format, str) and output_format.lower() == "iso-8601"


def _decimal_text(field: serializers.DecimalField) -> Callable[[object], object]:
    """``field.to_representation`` of a value that is not None. A decimal the database
    returns already has the field's places (``numeric(30, 4)`` gives ``Decimal("12.5000")``):
    quantizing it changes nothing, so it is written as it is; anything else is quantized by
    the field (about a third of the cost of building a page's figures)."""
    represent = field.to_representation
    places, digits = field.decimal_places, field.max_digits
    if (
        places is None
        or field.normalize_output
        or field.localize
        or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    ):
        return represent

    def text(value):
        if type(value) is Decimal:
            # ``str`` writes a decimal as ``f"{value:f}"`` does unless it picks the exponent
            # notation (an "E"; "NaN" and "Infinity" end in a letter); the text's places are
            # the exponent, and its digits at least the coefficient's (leading zeros too).
            plain = str(value)
            if "E" not in plain and plain[-1].isdigit():
                point = plain.find(".")
                shown = len(plain) - point - 1 if point >= 0 else 0
                if shown == places and (
                    digits is None or len(plain) - (point >= 0) - (plain[0] == "-") <= digits
                ):
                    return plain
        return represent(value)

    return text


def _iso_kind(field: serializers.Field) -> str | None:
    """``"datetime"`` or ``"date"`` when ``field`` shows the database's values in ISO 8601 as
    :func:`format_iso` writes them (date-times: in the current time zone, UTC as "Z")."""
    if (
        type(field) is serializers.DateTimeField
        and settings.USE_TZ
        and not hasattr(field, "timezone")
        and _is_iso(getattr(field, "format", api_settings.DATETIME_FORMAT))
    ):
        return "datetime"
    if type(field) is serializers.DateField and _is_iso(
        getattr(field, "format", api_settings.DATE_FORMAT)
    ):
        return "date"
    return None


def _value_getter(key: str, field: serializers.Field) -> str | Binder:
    if isinstance(field, _VERBATIM):
        return key
    if _iso_kind(field) == "datetime":
        return _iso_datetime_getter(key, field)
    if type(field) is serializers.DecimalField:
        text = _decimal_text(field)
        return lambda context: lambda row: None if (value := row[key]) is None else text(value)
    represent = field.to_representation
    if _iso_kind(field) == "date":
        # DateField.to_representation of the dates the database returns: ISO 8601.
        def get_date(row: dict):
            value = row[key]
            if value is None or type(value) is str:  # str: written by format_iso
                return value
            return value.isoformat() if type(value) is dt.date else represent(value)

        return lambda context: get_date

    def get(row: dict):
        value = row[key]
        return None if value is None else represent(value)

    return lambda context: get


def _page_url_getter(model: type[Model], prefix: str) -> tuple[Link, str]:
    if model not in PAGE_ROUTES:
        raise Unsupported(f"page of {model.__name__}")
    route, lookup = PAGE_ROUTES[model]
    key = prefix + _lookup_column(model, lookup)
    return Link(route, lookup, key), key


def item_plan(
    serializer: serializers.Serializer,
    prefix: str = "",
    special: dict[str, tuple[str | Link | Binder, Iterable[str]]] | None = None,
) -> ItemPlan:
    """Compile ``serializer``'s readable fields into getters over rows prefixed ``prefix``.

    ``special`` supplies getters (and the row keys they read) for fields the caller builds
    itself; any other field must be a plain column, an ``ApiURLField`` on the item itself or a
    ``PageURLField``, or :class:`Unsupported` is raised.
    """
    model = serializer.Meta.model
    special = special or {}
    entries: list[tuple[str, str | Link | Binder]] = []
    columns: set[str] = set()
    iso: dict[str, str] = {}
    for field in serializer._readable_fields:
        name = field.field_name
        if name in special:
            get, keys = special[name]
            columns.update(keys)
        elif isinstance(field, PageURLField):
            get, key = _page_url_getter(model, prefix)
            columns.add(key)
        elif isinstance(field, ApiURLField) and field.source == "*":
            key = prefix + _lookup_column(model, field.lookup_field)
            get = Link(field.view_name, field.lookup_field, key)
            columns.add(key)
        elif (
            len(field.source_attrs) == 1
            and not isinstance(field, serializers.RelatedField | serializers.ManyRelatedField)
            and (column := _column(model, field.source_attrs[0])) is not None
        ):
            key = prefix + column
            get = _value_getter(key, field)
            columns.add(key)
            if (kind := _iso_kind(field)) is not None:
                iso[key] = kind
        else:
            raise Unsupported(f"{type(serializer).__name__}.{name}")
        entries.append((name, get))
    return ItemPlan(model=model, prefix=prefix, entries=entries, columns=columns, iso=iso)


@dataclass
class Related:
    """A to-many relation read in one query keyed by claim id."""

    name: str
    plan: ItemPlan | None  # None: identifiers only
    id_key: str  # the row key of the identifier (not expanded)

    def bind(self, context: dict) -> Callable[[list[dict]], list]:
        """``rows -> the relation's JSON-ready list`` for one request."""
        if self.plan is None:
            key = self.id_key
            return lambda rows: [row[key] for row in rows]
        build = self.plan.bind(context)
        return lambda rows: [build(row) for row in rows]


@dataclass
class ClaimPlan:
    """A compiled shape of the claims list: main-row plan plus the relations it shows."""

    item: ItemPlan
    subjects: Related | None
    sources: Related | None
    appearances: Related | None
    # The row key of the speaker's identifier when it is shown as one (``speaker__slug``).
    speaker_key: str | None = None


def _amount_usd_getter(field: serializers.Field) -> Binder:
    represent = (
        _decimal_text(field) if type(field) is serializers.DecimalField else field.to_representation
    )

    def get(row: dict):
        # Claim.amount_usd, on the row.
        if row["unit"] == "USD":
            value = row["amount"]
        elif row["equivalent_unit"] == "USD":
            value = row["equivalent_amount"]
        else:
            value = None
        return None if value is None else represent(value)

    return lambda context: get


def _expandable(serializer: serializers.Serializer, name: str) -> ExpandableField | None:
    field = serializer.fields.get(name)
    if field is None:
        return None
    if not isinstance(field, ExpandableField):
        raise Unsupported(name)
    return field


def _speaker(
    serializer: serializers.Serializer,
) -> tuple[str | Binder, Iterable[str], dict[str, str]] | None:
    """The speaker's getter, the row keys it reads and their ISO kinds (see ``ItemPlan.iso``)."""
    field = _expandable(serializer, "speaker")
    if field is None:
        return None
    if field.expanded:
        plan = item_plan(field.serializer_class(), prefix="speaker__")

        def bind(context: dict) -> Getter:
            build = plan.bind(context)
            return lambda row: None if row["speaker_id"] is None else build(row)

        return bind, {"speaker_id", *plan.columns}, plan.iso
    key = f"speaker__{_lookup_column(Entity, field.id_field)}"
    return key, {key}, {}


def _to_many(serializer: serializers.Serializer, name: str) -> Related | None:
    """The plan of the claim's many-to-many ``name``, over rows of its through model (their
    keys: the through model's key to the related item, e.g. ``source__title``)."""
    field = _expandable(serializer, name)
    if field is None:
        return None
    model = field.serializer_class.Meta.model
    prefix = f"{Claim._meta.get_field(name).m2m_reverse_field_name()}__"
    if field.expanded:
        return Related(name, item_plan(field.serializer_class(), prefix=prefix), "")
    return Related(name, None, prefix + _lookup_column(model, field.id_field))


def _appearances(serializer: serializers.Serializer) -> Related | None:
    field = serializer.fields.get("appearances")
    if field is None:
        return None
    child = field.child
    article = child.fields["article"]
    if not isinstance(article, serializers.SlugRelatedField):
        raise Unsupported("appearances.article")
    special: dict[str, tuple[str | Link | Binder, Iterable[str]]] = {
        "article": ("article__slug", {"article__slug"}),
        "article_title": ("article__title", {"article__title"}),
    }
    url = child.fields.get("article_api_url")
    if url is not None:
        key = f"article__{url.lookup_field}"
        special["article_api_url"] = (Link(url.view_name, url.lookup_field, key), {key})
    return Related("appearances", item_plan(child, special=special), "")


@lru_cache(maxsize=64)
def plan_for(shape: Shape) -> ClaimPlan | None:
    """The compiled plan for a request's shape, or None when a field needs the serializer.

    Plans depend on the shape only (the request comes in through the context at build time),
    so they are kept; the cache is bounded because ``fields=`` takes any subset.
    """
    serializer = ClaimSerializer(shape=shape)
    try:
        subjects = _to_many(serializer, "subjects")
        sources = _to_many(serializer, "sources")
        appearances = _appearances(serializer)
        special: dict[str, tuple[str | Link | Binder, Iterable[str]]] = {}
        speaker = _speaker(serializer)
        if speaker is not None:
            special["speaker"] = speaker[:2]
        for related in (subjects, sources, appearances):
            if related is not None:
                special[related.name] = (related.name, ())  # put on the row by build()
        if "amount_usd" in serializer.fields:
            special["amount_usd"] = (
                _amount_usd_getter(serializer.fields["amount_usd"]),
                {"unit", "amount", "equivalent_unit", "equivalent_amount"},
            )
        item = item_plan(serializer, special=special)
        if speaker is not None:
            item.iso.update(speaker[2])  # the embedded speaker's, on the claim's rows
    except Unsupported:
        return None
    return ClaimPlan(
        item=item,
        subjects=subjects,
        sources=sources,
        appearances=appearances,
        speaker_key=speaker[0] if speaker is not None and isinstance(speaker[0], str) else None,
    )


@receiver(setting_changed)
def _forget_plans(*, setting: str, **kwargs) -> None:
    """Plans read DRF's output formats when compiled: a test changing them gets new plans."""
    if setting in ("REST_FRAMEWORK", "USE_TZ"):
        plan_for.cache_clear()


def format_iso(rows: list[dict], iso: dict[str, str], utc: bool) -> None:
    """Write the date-times and dates of ``rows`` under the keys ``iso`` names as the text their
    getters give (ISO 8601; UTC as "Z"), all in one ``orjson`` call: about 0.2 ms less per
    page of 50 claims with their sources than ``isoformat()`` for each of some 300 values.

    orjson writes a date as ``date.isoformat()`` does and a date-time in UTC as DRF does
    (``isoformat()`` with "+00:00" as "Z"; ``tests/api/test_claim_rows.py`` compares them). A
    column is written only when every value is None or of that type exactly, date-times only in
    ``datetime.UTC`` while the current time zone is UTC (``utc``); the getters format whatever
    is left, and pass the strings written here through.
    """
    cells: list[tuple[str, list]] = []
    for key, kind in iso.items():
        values = [row[key] for row in rows]
        if kind == "date":
            fits = all(value is None or type(value) is dt.date for value in values)
        else:
            fits = utc and all(
                value is None or (type(value) is dt.datetime and value.tzinfo is dt.UTC)
                for value in values
            )
        if fits:
            cells.append((key, values))
    if not cells:
        return
    texts = iter(
        orjson.loads(
            orjson.dumps([v for _, values in cells for v in values], option=orjson.OPT_UTC_Z)
        )
    )
    for key, _ in cells:
        for row in rows:
            row[key] = next(texts)


def _in_utc(context: dict) -> bool:
    """Whether date-times are shown in UTC (the current time zone), as ``format_iso`` needs."""
    zone = _per_request(context, "zone", timezone.get_current_timezone)
    return getattr(zone, "key", None) == "UTC"


def _grouped(rows: Iterable[dict], key: str = "claim_id") -> dict[int, list[dict]]:
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def related_order(model: type[Model]) -> list[str]:
    """How a claim's subjects or sources are listed: the model's ``Meta.ordering`` with the
    primary key last, so two sources with the same title always come in the same order (the
    ordinary path prefetches with it too, see ``ClaimViewSet.loading``)."""
    return [*model._meta.ordering, "pk"]


def _ordering(model: type[Model], prefix: str) -> list[str]:
    """:func:`related_order` seen from a row of claims joined to ``model``."""
    return [
        f"-{prefix}{name[1:]}" if name.startswith("-") else f"{prefix}{name}"
        for name in related_order(model)
    ]


def _among(queryset: QuerySet, ids: str | list[int], column: str) -> QuerySet:
    """``queryset``'s rows whose ``column`` is one of ``ids``: an ``id_array`` text (one
    parameter, PostgreSQL) or a list (``__in``)."""
    if isinstance(ids, str):
        return queryset.filter(AmongIds(ids, column))
    return queryset.filter(**{f"{column}__in": ids})


def _read(queries: list[tuple[tuple, Callable[..., QuerySet], bool]], ids: list[int]) -> list:
    """The rows of each ``(key, build, kept)``: ``build(ids)``'s. On PostgreSQL the ids are one
    array value, so the SQL text is the same for any number of them, and a query is kept
    compiled under ``key`` unless ``kept`` is false; the kept ones are read in one round trip
    (``kept_lists``). Elsewhere each is built with the list and run as it is."""
    if not on_postgresql():
        return [list(build(ids)) for _, build, _ in queries]
    among = id_array(ids)
    kept = iter(
        kept_lists(
            [(("claims api", *key), build, (among,)) for key, build, keep in queries if keep]
        )
    )
    return [next(kept) if keep else list(build(among)) for _, build, keep in queries]


class ClaimRows:
    """Reads a page of claims as rows and builds the list's JSON-ready dicts.

    The related queries (subjects, sources, appearances) take the page's ids as one
    array value on PostgreSQL (``AmongIds``), so their SQL text is the same for any page and
    page size: each is kept compiled per shape (``kept_queries.kept_list``) and psycopg
    prepares it once (with a placeholder per id, every page size had its own text, and a
    page of 50 gave psycopg 52 parameters to scan for and adapt).
    """

    def __init__(
        self,
        plan: ClaimPlan,
        appearances: Callable[[], QuerySet] | None = None,
        audience: Hashable | None = None,
    ):
        self.plan = plan
        # Builds the appearances in the articles the request may see, in the order shown;
        # called while the kept query is built, so the clock it reads is seen as the clock.
        self.appearances = appearances
        # Who is asking, when that alone decides the visible articles (their SQL), or None:
        # then the appearances query is not kept.
        self.audience = audience

    def select(self, claims: QuerySet) -> QuerySet:
        """``claims`` (filtered and ordered) as rows with the columns the plan reads.

        The speaker's identifier is read by a subquery on its key rather than a join: the
        same value (the speaker, or None), but PostgreSQL plans the page's statement, which
        it plans on every run (its filters' values decide the plan), in about 60 % of the
        time and runs it faster (the join's lookups went through a memoizing node)."""
        keys = {"id", "updated_at", "created_at", *self.plan.item.columns}
        key = self.plan.speaker_key
        if key is not None:
            keys.discard(key)
            column = key.removeprefix("speaker__")
            # The base manager: the row a join reads, whatever a default manager may leave out.
            speaker = Entity._base_manager.filter(pk=OuterRef("speaker_id")).values(column)
            speaker = speaker.order_by()
            claims = claims.annotate(**{key: Subquery(speaker)})
        return claims.values(*sorted(keys), *claims.query.annotation_select)

    def _appearances_query(self) -> tuple[tuple, Callable[..., QuerySet], bool, str]:
        """The appearances of the claims in the visible articles: ``(key, build, kept,
        the row key of the claim)`` for :func:`_read`."""
        columns = ["claim_id", *sorted(self.plan.appearances.plan.columns)]

        def build(among: str | list[int]) -> QuerySet:
            return _among(self.appearances(), among, "claim_id").values(*columns)

        key = ("appearances", self.audience, *columns)
        return key, build, self.audience is not None, "claim_id"

    def _many_to_many_query(self, related: Related) -> tuple[tuple, Callable, bool, str]:
        """The rows of a many-to-many relation (subjects, sources) of the claims, read from
        its through model: ordered by claim, then by the related model's ``Meta.ordering`` and
        key (as ``prefetch_related`` orders them); as :meth:`_appearances_query`.

        Each relation is its own query: read together (the claims joined to both), a claim's
        rows were every pair of its subjects and sources, about twice the rows PostgreSQL
        joined and sorted and Python read and sorted out again.
        """
        field = Claim._meta.get_field(related.name)
        through = field.remote_field.through
        claim = through._meta.get_field(field.m2m_field_name()).attname
        target = field.m2m_reverse_field_name()
        model = field.related_model
        keys = set(related.plan.columns) if related.plan else {related.id_key}
        columns = [claim, *sorted(keys)]
        ordering = [claim, *_ordering(model, f"{target}__")]

        def build(among: str | list[int]) -> QuerySet:
            rows = _among(through._base_manager.all(), among, claim)
            return rows.order_by(*ordering).values(*columns)

        return (related.name, *columns, *ordering), build, True, claim

    def build(self, rows: list[dict], context: dict) -> list[dict]:
        ids = [row["id"] for row in rows]
        many = [r for r in (self.plan.subjects, self.plan.sources) if r]
        queries = [self._many_to_many_query(related) for related in many]
        relations = many
        if self.plan.appearances:
            queries.append(self._appearances_query())
            relations = [*many, self.plan.appearances]
        fetched: dict[str, dict[int, list[dict]]] = {}
        if ids and queries:
            read = _read([query[:3] for query in queries], ids)
            for related, query, found in zip(relations, queries, read, strict=True):
                fetched[related.name] = _grouped(found, query[3])
        utc = _in_utc(context)
        for related in relations:
            if related.plan is not None and related.plan.iso:
                shown = [row for group in fetched.get(related.name, {}).values() for row in group]
                format_iso(shown, related.plan.iso, utc)
        if self.plan.item.iso:
            # Copies: the paginator reads the next cursor's position from the page's own rows.
            rows = [dict(row) for row in rows]
            format_iso(rows, self.plan.item.iso, utc)
        for related in relations:
            found = fetched.get(related.name, {})
            name, value, empty = related.name, related.bind(context), []
            for row in rows:
                row[name] = value(found.get(row["id"], empty))
        build = self.plan.item.bind(context)
        return [build(row) for row in rows]
