"""Querysets kept compiled (``coverage_site.kept_queries``) give what the ORM gives."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.functions import Upper
from django.utils import timezone

from articles.models import Article, ArticleStatus
from coverage_site.kept_queries import kept_list, kept_lists, kept_sql
from entities.models import Entity
from tests.factories import ArticleFactory, EntityFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


def test_a_value_turned_into_another_parameter_is_not_kept(settings):
    """A parameter made from the value (not the value itself) is built afresh each time:
    the second lookup finds its own entity, not the first one's."""
    settings.TIME_ZONE = "UTC"  # clears what earlier tests kept
    EntityFactory(name="Aurora Grid", slug="aurora-grid")
    EntityFactory(name="Boreal Power", slug="boreal-power")

    def build(prefix: str):
        return Entity.objects.filter(slug=f"{prefix}-grid" if prefix == "aurora" else prefix)

    assert [e.name for e in kept_list("test:derived", build, "aurora")] == ["Aurora Grid"]
    assert [e.name for e in kept_list("test:derived", build, "boreal-power")] == ["Boreal Power"]


def test_a_time_made_from_the_clock_is_not_frozen(settings, monkeypatch):
    """A query comparing with a time computed from the clock (not the clock itself) is
    built again on each call, so an article that became a day old is found."""
    settings.TIME_ZONE = "UTC"
    article = ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=timezone.now())

    def build(status: str):
        return Article.objects.filter(
            status=status, published_at__lte=timezone.now() - dt.timedelta(days=1)
        )

    assert kept_list("test:day-old", build, ArticleStatus.PUBLISHED.value) == []
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(days=2))
    assert kept_list("test:day-old", build, ArticleStatus.PUBLISHED.value) == [article]


def test_kept_sql_is_built_once_and_reruns_with_new_values_and_the_clock(settings, monkeypatch):
    """A statement written around ORM-built SQL is built twice the first time (with the
    values and with stand-ins), then rerun with each call's values and clock."""
    settings.TIME_ZONE = "UTC"
    later = timezone.now() + dt.timedelta(hours=1)
    article = ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=later)
    builds = []

    def build(slug: str):
        builds.append(slug)
        return Article.objects.published().filter(slug=slug).values("pk").query.sql_with_params()

    def found(slug: str) -> list:
        sql, params = kept_sql("test:published-slug", build, slug)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [pk for (pk,) in cursor.fetchall()]

    assert found(article.slug) == []
    assert found("elsewhere") == []
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=2))
    assert found(article.slug) == [article.pk]
    assert len(builds) == 2  # the first call's value and its stand-in


def test_kept_values_rows_are_the_orms(settings):
    """``values()`` rows read by the kept statement are the dicts the ORM gives: the same
    keys in the same order and the same values, with joined columns, annotations, a column
    ordered by but not shown (``distinct()`` selects it too), and converted columns (dates on
    SQLite), each on the first call (compiled) and the later ones (kept)."""
    settings.TIME_ZONE = "UTC"
    for name in ("Zeta Works", "Alpha Grid", "Mid Power"):
        PublishedArticleFactory(title=name, event=EntityFactory(name=f"{name} event"))
    builds = {
        "joined": lambda status: (
            Article.objects.filter(status=status)
            .order_by("event__name", "pk")
            .values("slug", "event__slug", "published_at", "id")
        ),
        "annotated": lambda status: (
            Article.objects.filter(status=status)
            .annotate(shown=Upper("title"))
            .order_by("-pk")
            .values("pk", "shown")
        ),
        "distinct": lambda status: (
            Article.objects.filter(status=status).order_by("title").values("slug").distinct()
        ),
    }
    for key, build in builds.items():
        expected = list(build(ArticleStatus.PUBLISHED.value))
        assert len(expected) == 3, key
        for _ in range(3):
            rows = kept_list(("test:values", key), build, ArticleStatus.PUBLISHED.value)
            assert rows == expected, key
            assert [list(row) for row in rows] == [list(row) for row in expected], key
        assert kept_list(("test:values", key), build, ArticleStatus.DRAFT.value) == []


def test_kept_lists_give_each_querys_rows(settings):
    """Several queries read together give what each gives alone, in the order asked, values
    rows and model instances alike, on the first call (compiled) and the later ones."""
    settings.TIME_ZONE = "UTC"
    for name in ("Zeta Works", "Alpha Grid"):
        PublishedArticleFactory(title=name)
    ArticleFactory(title="Draft")
    queries = [
        ("test:lists:slugs", lambda s: Article.objects.filter(status=s).values("slug", "title")),
        ("test:lists:models", lambda s: Article.objects.filter(status=s).order_by("title")),
        ("test:lists:titles", lambda s: Article.objects.exclude(status=s).values("title")),
    ]
    for status in (ArticleStatus.PUBLISHED.value, ArticleStatus.DRAFT.value) * 2:
        expected = [list(build(status)) for _, build in queries]
        assert kept_lists([(key, build, (status,)) for key, build in queries]) == expected


@pytest.mark.usefixtures("on_postgres")
def test_kept_values_statements_are_sent_together_on_postgresql(settings):
    """On PostgreSQL the kept ``values()`` statements go out in one pipeline (one round trip),
    each still seen by the cursor wrappers; a queryset of models is read on its own."""
    settings.TIME_ZONE = "UTC"
    PublishedArticleFactory(title="Alpha Grid")
    queries = [
        ("test:together:slugs", lambda s: Article.objects.filter(status=s).values("slug")),
        ("test:together:models", lambda s: Article.objects.filter(status=s)),
        ("test:together:titles", lambda s: Article.objects.filter(status=s).values("title")),
    ]
    seen: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        pipelined = context["connection"].connection.pgconn.pipeline_status != 0
        seen.append((sql.split(" FROM ", 1)[0], pipelined))
        return execute(sql, params, many, context)

    kept_lists([(key, build, ("published",)) for key, build in queries])  # compiles them
    with connection.execute_wrapper(record):
        rows = kept_lists([(key, build, ("published",)) for key, build in queries])
    assert rows[0] == [{"slug": rows[1][0].slug}]
    assert rows[2] == [{"title": "Alpha Grid"}]
    assert sorted(pipelined for _, pipelined in seen) == [False, True, True]
    assert [pipelined for sql, pipelined in seen if '"title"' in sql and "slug" not in sql] == [
        True
    ]
