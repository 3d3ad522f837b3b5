"""API fixtures: clients per role (token authentication), a small world, a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory, editor, fact_checker, reporter

from .world import build_world


@pytest.fixture(autouse=True)
def clean_cache():
    """Throttle counters live in the cache: every test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def reporter_client(db) -> APIClient:
    return client_for(reporter())


@pytest.fixture
def checker_client(db) -> APIClient:
    return client_for(fact_checker())


@pytest.fixture
def editor_client(db) -> APIClient:
    return client_for(editor())


@pytest.fixture
def reader_client(db) -> APIClient:
    """A signed-in account with no staff flag and no role: sees what anonymous clients see."""
    return client_for(UserFactory(is_staff=False))


@pytest.fixture
def world(db):
    return build_world()
