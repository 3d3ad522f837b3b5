"""Every migration applies forwards and backwards, on the database the suite runs on."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ["sync", "articles", "entities"]


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "coverage_site.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def scratch_database_url(tmp_path):
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    params = {"host": settings["HOST"], "port": settings["PORT"] or 5432}
    params["user"] = settings["USER"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"]
    yield f"postgres://{user}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _applied_apps(database_url: str) -> set[str]:
    shown = _manage(database_url, "showmigrations", "--plan", *OUR_APPS)
    assert shown.returncode == 0, shown.stderr
    applied = {line.split()[1].split(".")[0] for line in shown.stdout.splitlines() if "[X]" in line}
    return applied & set(OUR_APPS)


def test_migrations_apply_forwards_backwards_and_forwards_again(scratch_database_url):
    forwards = _manage(scratch_database_url, "migrate", "--noinput")
    assert forwards.returncode == 0, forwards.stderr
    assert _applied_apps(scratch_database_url) >= set(OUR_APPS)
    for app in OUR_APPS:  # dependants first: sync on articles, articles on entities
        backwards = _manage(scratch_database_url, "migrate", app, "zero", "--noinput")
        assert backwards.returncode == 0, backwards.stderr
    assert _applied_apps(scratch_database_url) == set()
    again = _manage(scratch_database_url, "migrate", "--noinput")
    assert again.returncode == 0, again.stderr
    assert _applied_apps(scratch_database_url) >= set(OUR_APPS)
