"""Shared fixtures."""

import pytest
from django.db import connection


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL; CI runs the suite there too")


@pytest.fixture
def summit(db):
    """The seed-like content set of tests/content.py, hidden articles included."""
    from tests.content import build_summit

    return build_summit()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: the local-memory cache outlives each test's
    database, and cached pages or a content generation from another test must not leak in."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
