"""Search building blocks shared by ``articles/search.py`` and ``entities/search.py``.

On PostgreSQL: the ``search_document`` columns (tsvector, kept by triggers, GIN-indexed; see
``articles/migrations/0005_search.py`` and ``entities/migrations/0002_search.py``), queries in
``websearch_to_tsquery`` syntax (``"exact phrase"``, ``-excluded``, ``or``), and highlighted
snippets from ``ts_headline`` that are HTML-escaped before the only markup, ``<mark>``, is added.
On SQLite: a simpler match, every word (or quoted phrase) somewhere in the fields, ``-word``
excluded, highlighted in Python the same way.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, TextField
from django.utils.html import escape
from django.utils.safestring import SafeString

CONFIG = "english"
MAX_TERMS = 12
# ts_headline marks matches with these; they are random per process, so nothing an editor typed
# can pass for one, and everything else in the text is escaped.
_START = f"hlstart{secrets.token_hex(6)}"
_STOP = f"hlstop{secrets.token_hex(6)}"
_MARKDOWN_NOISE = re.compile(r"\[\d+\]|^#+\s*|\*\*|__|`|^\s*[-•]\s+", re.MULTILINE)
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Document(Expression):
    """The ``search_document`` column (or another tsvector ``column``) of the queried table
    (PostgreSQL only, not a model field, so ordinary queries never load it)."""

    output_field = SearchVectorField()

    def __init__(self, column: str = "search_document") -> None:
        super().__init__()
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


class AmongIds(Expression):
    """``pk = ANY(%s)``: the queried table's row (or its ``column``) is one of ``ids``
    (PostgreSQL only).

    One array parameter rather than ``pk__in``'s one placeholder per id: the SQL text stays
    the same for any number of candidates, and neither Django nor psycopg handles a couple of
    hundred parameters (psycopg alone spent 0.35 ms a query scanning for the placeholders).
    ``ids`` may also be the parameter itself, an ``id_array()`` text: a query kept compiled
    (``kept_queries.kept_list``) is rerun with it as one of its values.
    """

    output_field = BooleanField()

    def __init__(self, ids: Iterable[int] | str, column: str | None = None) -> None:
        super().__init__()
        self.array = ids if isinstance(ids, str) else id_array(ids)
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        resolved.column = self.column or query.get_meta().pk.column
        return resolved

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        column = f"{table}.{connection.ops.quote_name(self.column)}"
        return f"{column} = ANY(%s::bigint[])", [self.array]


def id_array(ids: Iterable[int]) -> str:
    """``ids`` as a PostgreSQL array literal (psycopg's adaptation of a list costs more than
    writing it out)."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


class WebQuery(SearchQuery):
    """``websearch_to_tsquery`` of ``text`` in ``CONFIG``: a ``SearchQuery`` that compiles
    straight to its SQL.

    Django's compiles it as a function of two resolved values and a cast, every time it
    appears; a search page's queries hold it about twenty times. ``~`` and combinations with
    ``&`` and ``|`` work as on any ``SearchQuery``.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, search_type="websearch", config=CONFIG)
        self.text = text

    def resolve_expression(self, *args, **kwargs) -> WebQuery:
        return self.copy()  # nothing to resolve: the text is a parameter

    def as_sql(self, compiler, connection, function=None, template=None):
        sql = f"websearch_to_tsquery('{CONFIG}'::regconfig, %s)"
        return (f"!!({sql})" if self.invert else sql), [self.text]


def web_query(text: str) -> SearchQuery:
    """``text`` in web-search syntax, English stemming, as PostgreSQL parses it."""
    return WebQuery(text)


# ``ts_headline`` options, written once (Django's ``SearchHeadline`` quotes each through a
# client-side cursor on every use): the whole text marked, or up to two short fragments.
_MARKS = f"StartSel='{_START}', StopSel='{_STOP}'"
_WHOLE = f"{_MARKS}, HighlightAll=true"
_FRAGMENTS = f"{_MARKS}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=' … '"


class Headline(Expression):
    """``ts_headline(CONFIG, expression, query, options)`` (see ``headline``)."""

    output_field = TextField()

    def __init__(self, expression, query: SearchQuery, options: str) -> None:
        super().__init__()
        self.source = [F(expression) if isinstance(expression, str) else expression, query]
        self.options = options

    def get_source_expressions(self) -> list:
        return self.source

    def set_source_expressions(self, expressions) -> None:
        self.source = list(expressions)

    def as_sql(self, compiler, connection):
        text, text_params = compiler.compile(self.source[0])
        query, query_params = compiler.compile(self.source[1])
        sql = f"ts_headline('{CONFIG}'::regconfig, {text}, {query}, %s)"
        return sql, [*text_params, *query_params, self.options]


def headline(expression, query: SearchQuery, *, whole: bool = False) -> Headline:
    """A ``ts_headline`` of ``expression``: the whole text, or up to two short fragments."""
    return Headline(expression, query, _WHOLE if whole else _FRAGMENTS)


def safe_snippet(raw: str | None) -> SafeString:
    """HTML for a ``headline()`` result: escaped, with ``<mark>`` around the matches only.

    ``html.escape`` is what Django's ``escape`` calls, without its lazy-string wrapper and
    ``mark_safe``'s checks: a search page makes about a hundred snippets (0.5 ms saved)."""
    text = " ".join(_MARKDOWN_NOISE.sub("", raw or "").split())
    marked = html.escape(text).replace(_START, '<mark class="search-hit">')
    return SafeString(marked.replace(_STOP, "</mark>"))  # all but the marks escaped just above


@dataclass(frozen=True)
class Terms:
    """A query read the simple way: words and quoted phrases to find, ``-words`` to avoid."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> Terms:
        include: list[str] = []
        exclude: list[str] = []
        for match in _TERM.finditer(query):
            negated, phrase, word = match.group(1), match.group(2), match.group(3)
            if phrase is not None:
                target, text = (exclude if negated else include), " ".join(phrase.split())
            elif word.startswith("-") and len(word) > 1:
                target, text = exclude, word[1:]
            else:
                target, text = include, word
            if text and text.casefold() != "or":
                target.append(text)
        return cls(tuple(include[:MAX_TERMS]), tuple(exclude[:MAX_TERMS]))

    def match(self, term_condition: Callable[[str], Q]) -> Q:
        """Every included term meets ``term_condition``, no excluded term does."""
        condition = reduce(and_, (term_condition(term) for term in self.include), Q())
        for term in self.exclude:
            condition &= ~term_condition(term)
        return condition

    def highlight(self, text: str) -> SafeString:
        """``text`` escaped, with every included term marked (the SQLite snippets)."""
        if not self.include:
            return escape(text)
        pattern = re.compile("|".join(re.escape(term) for term in self.include), re.IGNORECASE)
        marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", text)
        return safe_snippet(marked)


def in_any_field(*fields: str) -> Callable[[str], Q]:
    """A ``Terms.match`` condition: the term occurs in one of ``fields``, ignoring case."""
    return lambda term: reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields))
