"""Shared fixtures."""

import pytest
from django.db import connection


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL; CI runs the suite there too")
