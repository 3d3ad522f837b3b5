"""The bench instrumentation: off by default, and honest when `make bench` turns it on."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bench.middleware import HEADER, QueryCountMiddleware
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db
COUNTING = "bench.middleware.QueryCountMiddleware"


def test_bare_view_is_not_reachable_by_default(client):
    """Without BENCH_BARE_VIEW, /bench/bare is a 404 and no query header is added."""
    assert settings.BENCH_BARE_VIEW is False
    assert COUNTING not in settings.MIDDLEWARE
    response = client.get("/bench/bare")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert HEADER not in response


@pytest.mark.urls("bench.urls")
def test_bare_view_answers_without_touching_the_database(client, django_assert_num_queries):
    """Mounted, the bare view answers a tiny 200 with zero queries."""
    with django_assert_num_queries(0):
        response = client.get("/bench/bare")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok\n"


def test_query_header_counts_the_queries_a_page_ran(client):
    """X-Bench-Queries equals the number of queries the request actually ran."""
    article = PublishedArticleFactory()
    with override_settings(MIDDLEWARE=[COUNTING, *settings.MIDDLEWARE]):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert len(queries) > 0
    assert response[HEADER] == str(len(queries))


def test_query_header_is_zero_when_no_query_runs(rf):
    """A view that runs no query is reported as 0."""
    middleware = QueryCountMiddleware(lambda request: HttpResponse())
    assert middleware(rf.get("/"))[HEADER] == "0"
