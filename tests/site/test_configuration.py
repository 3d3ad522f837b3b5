"""A misconfigured environment stops start-up with one clear line, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BINDING_VARIABLES = {"DATABASE_SERVER_SIDE_BINDING", "DATABASE_PREPARE_THRESHOLD"}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DATABASE_URL", "SECRET_KEY", *_BINDING_VARIABLES}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE="coverage_site.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nosuchdb://host/name"}, "DATABASE_URL"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "maybe-ish"}, "DEBUG"),
        ({"CACHE_URL": "nosuchcache://x"}, "CACHE_URL"),
    ],
)
def test_misconfiguration_stops_with_one_clear_line(env, named):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert named in lines[0]


def test_defaults_start_without_any_variable(tmp_path):
    result = _manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr


def test_redis_cache_url_selects_the_client_reusing_backend(tmp_path):
    """CACHE_URL=redis://… gets the Redis backend that keeps one client per server."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = _manage(
        "shell", "-c", code, DATABASE_URL=database, CACHE_URL="redis://r.example:6379/1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "coverage_site.redis_cache.RedisCache"


def _database_options(database_url: str, **env: str) -> dict:
    """DATABASES["default"]["OPTIONS"] as settings build them from this environment."""
    code = "import json; from django.conf import settings; "
    code += "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = _manage("shell", "-c", code, DATABASE_URL=database_url, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES_URL = "postgres://user@db.example:5432/summit"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"server_side_binding": True, "prepare_threshold": 5}),
        (
            {"DATABASE_SERVER_SIDE_BINDING": "true"},
            {"server_side_binding": True, "prepare_threshold": 5},
        ),
        (
            {"DATABASE_SERVER_SIDE_BINDING": "true", "DATABASE_PREPARE_THRESHOLD": "2"},
            {"server_side_binding": True, "prepare_threshold": 2},
        ),
        ({"DATABASE_SERVER_SIDE_BINDING": "false"}, {}),
        ({"DATABASE_SERVER_SIDE_BINDING": "off", "DATABASE_PREPARE_THRESHOLD": "2"}, {}),
    ],
)
def test_postgresql_server_side_binding_from_environment(env, expected):
    assert _database_options(POSTGRES_URL, **env) == expected


def test_sqlite_gets_no_binding_options(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert _database_options(url, DATABASE_SERVER_SIDE_BINDING="true") == {"timeout": 20}


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_PREPARE_THRESHOLD": "often"},
        {"DATABASE_PREPARE_THRESHOLD": "-1"},
    ],
)
def test_bad_binding_variable_stops_with_one_clear_line(env):
    result = _manage("check", DATABASE_URL=POSTGRES_URL, DATABASE_SERVER_SIDE_BINDING="true", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("Configuration error:")
    assert next(iter(env)) in lines[0]


@pytest.mark.django_db
def test_postgresql_connection_prepares_repeated_statements(on_postgres):
    """The suite's own connection binds server-side and prepares a statement on its run after
    DATABASE_PREPARE_THRESHOLD runs, so PostgreSQL can reuse its parse (and plan)."""
    from django.contrib.auth.models import User
    from django.db import connection

    options = connection.settings_dict["OPTIONS"]
    binding = bool(options.get("server_side_binding"))
    for _ in range((options.get("prepare_threshold") or 0) + 1):
        list(User.objects.filter(username="nobody-prepared"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"auth_user"."username" = $1%'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == (1 if binding else 0)


@pytest.mark.django_db
def test_full_text_matches_are_never_prepared_but_ranking_found_ids_is(on_postgres):
    """A generic plan misjudges a full-text or trigram match (coverage_site/prepared.py), so
    statements that look matches up stay unprepared however often they run; the search
    page's ranking and highlighting of the candidates it found, by id, is prepared like the
    other statements around them."""
    from django.contrib.auth.models import User
    from django.db import connection

    from articles.search import search_everything
    from tests.factories import ClaimAppearanceFactory, ClaimFactory, PublishedArticleFactory

    article = PublishedArticleFactory(title="Summit opens in Gyeongju")
    claim = ClaimFactory(text="The summit drew 1,700 business leaders.")
    ClaimAppearanceFactory(claim=claim, article=article)
    runs = (connection.settings_dict["OPTIONS"].get("prepare_threshold") or 0) + 2
    for _ in range(runs):
        found = search_everything("summit")
        list(User.objects.filter(username="nobody-prepared"))
    assert found.articles == [article] and found.claims == [claim]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert not [statement for statement in prepared if " @@ " in statement or " % " in statement]
    binding = bool(connection.settings_dict["OPTIONS"].get("server_side_binding"))
    assert any('"auth_user"."username" = $1' in statement for statement in prepared) == binding
    ranked = [statement for statement in prepared if "ts_headline(" in statement]
    assert len(ranked) == (2 if binding else 0)  # the page's articles and claims


@pytest.mark.django_db
def test_a_statement_with_more_parameters_than_binding_allows_still_runs(on_postgres):
    """A bound statement carries at most 65,535 parameters; Django does not split an IN list
    on PostgreSQL (``sync_reconcile`` sends one of every published id), so such a statement is
    bound client-side instead, with its values quoted as with binding off."""
    from django.contrib.auth.models import User

    from coverage_site.prepared import MAX_BOUND_PARAMETERS

    awkward = User.objects.create(username="o'brien%_\\")
    plain = User.objects.create(username="plain")
    User.objects.create(username="left-out")
    names = [f"nobody-{n}" for n in range(MAX_BOUND_PARAMETERS)] + [awkward.username, "plain"]

    found = User.objects.filter(username__in=names).order_by("pk")

    assert list(found) == [awkward, plain]


@pytest.mark.django_db
def test_postgresql_time_stamps_read_back_as_django_gives_them(on_postgres):
    """Time stamps come back through psycopg's C loader (coverage_site/pg_datetimes.py) as
    Django's own loader gives them: the same instant, microseconds kept, UTC as
    ``datetime.timezone.utc``, whether read as models, values or raw rows."""
    import datetime as dt

    from django.db import connection

    from articles.models import Source
    from tests.factories import SourceFactory

    stamps = [
        dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    ]
    ids = [SourceFactory().pk for _ in stamps]
    for pk, stamp in zip(ids, stamps, strict=True):
        Source.objects.filter(pk=pk).update(created_at=stamp)
    read = [Source.objects.get(pk=pk).created_at for pk in ids]
    values = [Source.objects.values_list("created_at", flat=True).get(pk=pk) for pk in ids]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT created_at FROM articles_source WHERE id = ANY(%s) ORDER BY id", [ids]
        )
        raw = [row[0] for row in cursor.fetchall()]
    for got in (read, values, raw):
        assert got == stamps
        assert all(value.tzinfo is dt.UTC for value in got)
