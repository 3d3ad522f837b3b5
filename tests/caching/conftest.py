"""Fixtures for the public cache: real commits, so invalidation runs as in production."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import editor


@pytest.fixture
def anon() -> Client:
    """A reader: no cookies, no credentials."""
    return Client()


@pytest.fixture
def editor_user(transactional_db):
    return editor()


@pytest.fixture
def as_editor(editor_user) -> Client:
    """An editor signed in to the admin (a session cookie)."""
    client = Client()
    client.force_login(editor_user)
    return client


@pytest.fixture
def summit(transactional_db):
    from tests.content import build_summit

    return build_summit()
