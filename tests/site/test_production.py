"""Production settings, checked the way they are deployed: gunicorn behind a TLS proxy."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        response = _opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    return response.status, dict(response.headers), response.read()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coverage_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("CACHE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the in-process browser tests only
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_deploy_checks_are_clean(production_env):
    """`manage.py check --deploy` reports nothing with production settings."""
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture(scope="module")
def gunicorn_url(production_env):
    for step in (("migrate", "--noinput"), ("collectstatic", "--noinput", "-v", "0")):
        result = _manage(production_env, *step)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "coverage_site.wsgi"],
        cwd=ROOT,
        env={**production_env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(url + "/healthz")
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_plain_http_is_redirected_to_https(gunicorn_url):
    status, headers, _ = _get(gunicorn_url + "/")
    assert status == HTTPStatus.MOVED_PERMANENTLY
    assert headers["Location"].startswith("https://")


def test_https_from_the_load_balancer_gets_the_page_with_security_headers(gunicorn_url):
    status, headers, body = _get(gunicorn_url + "/", **{"X-Forwarded-Proto": "https"})
    assert status == HTTPStatus.OK
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert b"Summit Coverage" in body


def test_static_files_are_hashed_compressed_and_cached_for_long(gunicorn_url):
    _, _, body = _get(gunicorn_url + "/", **{"X-Forwarded-Proto": "https"})
    icon = re.search(rb'href="(/static/favicon\.[0-9a-f]{12}\.svg)"', body)
    assert icon, "static URLs carry a content hash"
    status, headers, _ = _get(
        gunicorn_url + icon.group(1).decode(),
        **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
    )
    assert status == HTTPStatus.OK
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"


def test_healthz_answers_the_load_balancer_over_plain_http(gunicorn_url):
    status, _, body = _get(gunicorn_url + "/healthz")
    assert status == HTTPStatus.OK
    assert json.loads(body) == {"status": "ok", "checks": {"database": True, "cache": True}}


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_healthz_reports_an_unreachable_cache(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"] == {"database": True, "cache": False}


def test_the_app_is_warmed_up_before_workers_fork():
    """Loading the WSGI application (in gunicorn's master, before any fork) compiles every
    project template and fills the URL resolver, so no worker (recycled ones included) pays
    for it on a reader's request."""
    from django.urls import get_resolver

    from coverage_site.warmup import project_templates, warm_up

    names = project_templates()
    assert "articles/article_detail.html" in names and "base.html" in names
    assert warm_up() == len(names)  # every template compiles
    assert get_resolver()._populated


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, (10000, 10, 10)), ({"GUNICORN_GC_THRESHOLD": "2000,5,5"}, (2000, 5, 5))],
)
def test_workers_collect_garbage_less_often_than_python_by_default(monkeypatch, env, expected):
    """A worker forked by gunicorn collects garbage every 10,000 allocations, not 700: an
    uncached page allocates tens of thousands of short-lived objects."""
    import gc
    import runpy

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = gc.get_threshold()
    try:
        config["pre_fork"](server=None, worker=None)
        assert gc.get_threshold() == expected
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
