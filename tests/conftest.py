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
